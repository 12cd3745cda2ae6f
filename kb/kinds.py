"""A document's mentions in kb.json's compact form (kb.model.document_to_dict): each as
``[kind, start, end]``, ``kind`` a row of the document's table of mention kinds (the entity, with
its role, via and acting when set). The same few entities and roles recur in every unit of a
plan: their ids and roles were two thirds of the stored mentions (at 100 plans, 9 of kb.json's
62 MB). And its targets, each without what its unit gives (:func:`compact_target`); an
entity's units by document (:func:`compact_units`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any

# a mention's fields that say where it is; the others (the entity, its role …) are its kind
_PLACE_FIELDS = ("text", "sentence", "start", "end")
_NONE = object()  # no default


class MentionKinds:
    """The table of one document's mention kinds, each once, in the order first met."""

    def __init__(self) -> None:
        self.rows: list = []  # "GROUP:老年人", or ["GROUP:老年人", {"role": "beneficiary"}]
        self._at: dict[str, int] = {}

    def __call__(self, m) -> int:
        """The row of mention ``m``'s kind (any field but the place's that is set, so that a
        field added to Mention later is stored without this class knowing it)."""
        kind = {f.name: v for f in fields(m) if f.name not in _PLACE_FIELDS and (v := getattr(m, f.name)) is not None}
        del kind["entity"]
        row = [m.entity, kind] if kind else m.entity
        key = repr(row)
        if key not in self._at:
            self._at[key] = len(self.rows)
            self.rows.append(row)
        return self._at[key]


def compact_mention(m, text: str, at: Callable[[int], str | None], kinds: MentionKinds) -> list:
    """``[kind, start, end]``, plus a dict of the words and the sentence when the unit's
    ``text`` and the sentence ``at`` the mention's offset do not give them. A list: the field
    names were half of a stored mention."""
    d: dict[str, Any] = {}
    if text[m.start : m.end] != m.text:
        d["text"] = m.text
    if at(m.start) != m.sentence:
        d["sentence"] = m.sentence
    return [kinds(m), m.start, m.end, d] if d else [kinds(m), m.start, m.end]


@dataclass
class _Fields:
    names: tuple[str, ...]
    defaults: dict[str, Any]  # of the fields with one
    unset: dict[str, None]  # the fields without a default


_FIELDS: dict[type, _Fields] = {}


def _fields_of(cls: type) -> _Fields:
    """A class's fields, found once (a thousand plans hold a million targets)."""
    if cls not in _FIELDS:
        fs = fields(cls)
        _FIELDS[cls] = _Fields(
            names=tuple(f.name for f in fs),
            defaults={f.name: f.default for f in fs if f.default is not MISSING},
            unset={f.name: None for f in fs if f.default is MISSING},
        )
    return _FIELDS[cls]


def compact_target(t: Any, text: str, at: Callable[[int], str | None]) -> dict[str, Any]:
    """A target's dict without its unset fields and those holding their default, without its
    words when the unit's ``text`` gives them and its sentence when it is the one ``at`` its
    offset: the field names and nulls of every target were most of a plan's stored targets."""
    f = _fields_of(type(t))
    d = {}
    derived = {"text": text[t.start : t.end], "sentence": at(t.start)}  # unset, they are these
    for k in f.names:
        v = getattr(t, k)
        default = derived[k] if k in derived else f.defaults.get(k, _NONE)
        if not (type(v) is type(default) and v == default) and (v is not None or k in derived):
            d[k] = v  # 0.0 is no default 0
    return d


def target_fields(cls: type, d: dict[str, Any], text: str, at: Callable[[int], str | None]) -> dict[str, Any]:
    """The fields of a ``cls`` (Target) stored by :func:`compact_target`, or whole (schema 2)."""
    start = d.get("start", 0)
    return {**_fields_of(cls).unset, "text": text[start : d.get("end", 0)], "sentence": at(start), **d}


def _kind(m: list, kinds: list) -> dict[str, Any]:
    row = m[0] if isinstance(m[0], str) else kinds[m[0]]  # schema 1: the entity itself
    return {"entity": row} if isinstance(row, str) else {"entity": row[0], **row[1]}


def mention_dict(m: list, kinds: list) -> dict[str, Any]:
    """A compact mention's fields (its words and sentence when stored), ``kinds`` its document's
    table (``kinds`` in its kb.json line)."""
    return {**_kind(m, kinds), "start": m[1], "end": m[2], **(m[3] if len(m) > 3 else {})}


def mention_entity(m: dict[str, Any] | list, kinds: list) -> str:
    """The entity of a stored mention, compact or not."""
    return _kind(m, kinds)["entity"] if isinstance(m, list) else m["entity"]


def compact_units(units: list[str]) -> list[list[str]]:
    """An entity's units (``doc/T3`` …, in order) as runs of one document's: ``[[prefix, local,
    ...], ...]`` (``prefix``: up to the last ``/``, "" for a single plan's ids): the document ids
    repeated were most of kb.json's entities."""
    runs: list[list[str]] = []
    for u in units:
        cut = u.rfind("/") + 1
        if not runs or runs[-1][0] != u[:cut]:
            runs.append([u[:cut]])
        runs[-1].append(u[cut:])
    return runs


def entity_fields(d: dict[str, Any]) -> dict[str, Any]:
    """A stored entity's fields: its ``units_in`` (:func:`compact_units`) as its units."""
    if "units_in" not in d:
        return d
    units = [run[0] + x for run in d["units_in"] for x in run[1:]]
    return {**{k: v for k, v in d.items() if k != "units_in"}, "units": units}


# A unit's other fields that its text or its document's tables give: a task's title is most
# often the start of its text, a row's text its name and target cells joined by a tab, and a
# unit's path its outline parent's path (a chapter's, shared by its units) and its own label and
# title (paths and titles were a tenth of kb.json at 100 plans).
_PATH_SEP = " › "


class _Paths:
    """A document's table of the paths its units lie under, each once, in the order first met."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self._at: dict[str, int] = {}

    def __call__(self, path: str, title: str) -> str | list:
        """``[row, rest]`` for ``row`` + " › " + ``rest``; ``[row, rest, 1]`` when ``rest`` ends
        with the unit's ``title``, left out."""
        head, sep, rest = path.rpartition(_PATH_SEP)
        if not sep:
            return path
        i = self._at.setdefault(head, len(self.rows))
        if i == len(self.rows):
            self.rows.append(head)
        if title and rest.endswith(title):
            return [i, rest[: len(rest) - len(title)], 1]
        return [i, rest]


def compact_units_of(d: dict[str, Any], kinds: MentionKinds) -> None:
    """A stored document's units (dicts) without what :func:`stored_units` gives back; its
    tables of mention ``kinds`` and of paths (``paths``) added to it."""
    paths = _Paths()
    for u in _unit_dicts(d):
        text, title = u["text"], u.get("title")
        title = title if isinstance(title, str) else ""
        u["path"] = paths(u["path"], title)
        if title and text.startswith(title):
            u["title"] = len(title)  # a number: no title is one
        if "index" in u and "\t" not in u["name"] and u["name"] + "\t" + u["target"] == text:
            del u["name"], u["target"]
    d["kinds"] = kinds.rows
    if paths.rows:
        d["paths"] = paths.rows


def stored_units(d: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored document's unit dicts (tasks, paragraphs, rows) given back their fields
    (:func:`compact_units_of`), in place."""
    paths = d.get("paths", [])
    units = _unit_dicts(d)
    for u in units:
        text = u["text"]
        if isinstance(u.get("title"), int):
            u["title"] = text[: u["title"]]
        if "index" in u and "name" not in u:  # a row
            u["name"], _, u["target"] = text.partition("\t")
        p = u.get("path")
        if isinstance(p, list):
            u["path"] = paths[p[0]] + _PATH_SEP + p[1] + (u["title"] if len(p) > 2 else "")
    return units


def _unit_dicts(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [r for t in d.get("indicator_tables") or [] for r in t.get("rows") or []]
    return [*(d.get("tasks") or []), *(d.get("paragraphs") or []), *rows]
