"""kb.json: one document, entity or edge a line, streamed; and its reader.

kb.json is the build's storage form of the model: each document is written compactly (see
``kb.model.document_to_dict``), and a document's ``mentions`` edges, which repeat its units'
mentions one edge per (unit, entity), are written as one reference
``{"mentions_of": doc, "count": n}`` that :func:`read_kb_json` expands again, and so are its
``contains`` edges (its outline, quoting each unit's first sentence): ``contains_of``; its run of
``related`` edges is one item with a table of their shared terms (``related_of``); any other edge
is stored without what its other fields say, as graph.json stores links (``ev``:
:func:`kb.graph.links.stored_link`). ``kb export --format json`` gives the full model
(kb/schema/kb.schema.json).
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kb.build.cache import _cache_path, _cached_document_line, _dump, _pickle_get, _pickle_put
from kb.build.reuse import Run, copy_run
from kb.build.seek import Span, Spans, write_seek
from kb.errors import KBError
from kb.model import KB, Document, Edge, Entity

if TYPE_CHECKING:
    from kb.build.stream import Collection

Part = Callable[[dict], dict]  # a stored document's dict -> the part of it a reader makes


def write_kb_json(path: Path, kb: KB, cached: Sequence[tuple[Path, int] | None] = ()) -> None:
    """kb.json, written a document, an entity or an edge a line: compact, valid JSON, greppable,
    and streamed instead of held as one string. ``cached``: per document, a cache entry whose
    first line is that document's line, copied instead of serialized again."""
    entity_lines = (_dump(_stored_entity(e)) for e in kb.entities)
    _write(path, _doc_lines(kb.documents, lambda i: kb.documents[i], cached), entity_lines, _stored_edges(kb))


def write_kb_json_stream(
    path: Path,
    coll: Collection,
    cached: Sequence[tuple[Path, int] | None] = (),
    previous: Path | None = None,
    reuse: frozenset[str] = frozenset(),
) -> None:
    """The same file from a build's collection, reading each document back from the cache when
    it is needed (its line when the entry has it; its model for its edges) and dropping it after.
    ``previous``: the previous generation's kb.json, whose lines of the documents in ``reuse``
    are copied (:mod:`kb.build.reuse`)."""
    from kb.build.cache import HEAD_END, _sidecar, _text_get, _text_put, document_head
    from kb.build.reuse import headed, kb_runs

    multi = coll.multi
    runs = kb_runs(previous, reuse)

    def doc_lines() -> Iterator[str | Run]:
        for i, h in enumerate(coll.docs):
            run = runs.get(h.id)
            # its path as this build shows it (another working directory, a moved folder)
            line = headed(src, run[0], HEAD_END, document_head(h).encode()) if run and src else None
            yield line or _doc_line(h, lambda: coll.load(i)[0], cached[i] if i < len(cached) else None)

    def edge_lines() -> Iterator[str | Run]:
        # a document's lines depend on its model alone: kept beside its cache entry, so that an
        # update reads them instead of loading and serializing every document again
        for i, h in enumerate(coll.docs):
            run = runs.get(h.id)
            if run:
                if run[1]:
                    owners.append(i)
                    yield run[1]
                continue
            side = _sidecar(coll.cache, h.key, ".kbe") if coll.cache and h.models is None else None
            text = _text_get(side) if side else None
            if text is None:
                doc, es = coll.load(i)
                text = ",\n".join(_dump(x) for x in _stored(_with_references(es, _runs([doc], multi))))
                if side:
                    _text_put(side, text)
            if text:
                owners.append(i)
                yield text

    owners: list[int] = []  # the document of each run of edge lines written
    memo = _cache_path(coll.cache, "entities").with_suffix(".lines") if coll.cache else None
    old = _pickle_get(memo) if memo and coll.read_cache else None
    with open(previous, "rb") if runs and previous else contextlib.nullcontext() as src:
        spans = _write(path, doc_lines(), _entity_lines(coll.entities, old, memo), edge_lines(), lines=True, src=src)
    edges: list[Span | None] = [None] * len(coll.docs)
    for i, span in zip(owners, spans.edges):
        edges[i] = span
    spans.edges = edges
    write_seek(path, spans, [h.id for h in coll.docs], coll.holders, coll.naming)


def _stored(items: Iterable[Edge | dict]) -> Iterator[dict]:
    """Edges (and references to runs of them) in their stored form (:func:`kb.graph.links.stored_links`)."""
    from kb.graph.links import stored_links
    from kb.model import flat_dict

    return stored_links(e if isinstance(e, dict) else flat_dict(e) for e in items)


def _doc_lines(docs: Sequence, model: Callable[[int], Document], cached) -> Iterator[str]:
    return (_doc_line(d, lambda: model(i), cached[i] if i < len(cached) else None) for i, d in enumerate(docs))


def _doc_line(d, model: Callable[[], Document], entry: tuple[Path, int] | None) -> str:
    """A document's line: from its cache entry (``d`` need only have id, title and source), else
    serialized from ``model()``."""
    from kb.model import document_to_dict

    line = _cached_document_line(entry, d) if entry else None
    return line if line is not None else _dump(document_to_dict(model(), compact=True))


def _entity_lines(entities: list[Entity], old, memo: Path | None) -> Iterator[str]:
    """Each entity's kb.json line, taken from ``old`` (the lines of the previous build, by a
    digest of the entity, as read from ``memo``) where the entity is the same; ``memo`` then
    holds this build's. An update that changes one plan changes few entities; serializing every
    entity's units again was most of kb.json's time in one."""
    old = old if isinstance(old, dict) else {}
    new: dict[bytes, str] = {}
    for e in entities:
        key = _entity_digest(e)
        line = old.get(key) if key else None
        if line is None:
            line = _dump(_stored_entity(e))
        if key:
            new[key] = line
        yield line
    if memo:
        _pickle_put(memo, new)


def _entity_digest(e: Entity) -> bytes | None:
    """A digest of all the fields that make an entity's line (C-level work only: it runs for
    every entity of the collection); None when a unit id holds a line break (its units joined by
    line breaks would then not say where one ends)."""
    units = "\n".join(e.units)
    if units.count("\n") != max(len(e.units) - 1, 0):
        return None
    head = repr((_entity_head(e), len(e.units)))
    return hashlib.blake2b(f"{head}\n{units}".encode(), digest_size=16).digest()


# every field of an entity but its units, as a tuple
_entity_head = operator.attrgetter(*(f.name for f in fields(Entity) if f.name != "units"))


def _write(
    path: Path,
    doc_lines: Iterable[str | Run],
    entity_lines: Iterable[str],
    edges: Iterable,
    lines: bool = False,
    src: BinaryIO | None = None,
) -> Spans:
    """``entity_lines``: the entities' lines; ``edges``: Edge objects or stored dicts; ``lines``:
    runs of their lines, written already (joined by a comma and a line break); a :class:`Run` (of
    a document's line or of its edge lines) is copied from ``src``. Returns where each item went (bytes), for the sidecar."""
    from kb.model import STORED_SCHEMA

    with open(path, "wb") as f:
        at = 0

        def put(text: str | Run) -> int:
            nonlocal at
            if isinstance(text, Run):
                copy_run(src, f, text)  # type: ignore[arg-type]
                n = text.size
            else:
                n = f.write(text.encode("utf-8"))
            at += n
            return n

        def items(name: str, lines, last: bool = False) -> list[Span]:
            put(f'"{name}":[')
            spans = []
            for i, line in enumerate(lines):
                put("\n" if i == 0 else ",\n")
                start = at
                spans.append((start, put(line)))
            put("\n]" + ("}\n" if last else ",\n"))
            return spans

        put(f'{{"schema":{STORED_SCHEMA},\n')
        docs = items("documents", doc_lines)
        ents = items("entities", entity_lines)
        # an edge has no key and may have no weight (graph.json's links have 1.0 for it)
        runs = items("edges", edges if lines else (_dump(x) for x in _stored(edges)), last=True)
    whole = (ents[0][0], ents[-1][0] + ents[-1][1] - ents[0][0]) if ents else None
    return Spans(documents=docs, entities=whole, edges=list(runs))


def _stored_entity(e: Entity) -> dict:
    from kb.kinds import compact_units
    from kb.model import flat_dict

    d = flat_dict(e)
    d["units"] = compact_units(d["units"])
    return {("units_in" if k == "units" else k): v for k, v in d.items()}


def _stored_edges(kb: KB) -> Iterator[Edge | dict]:
    """``kb.edges`` with each document's run of ``mentions`` edges replaced by its reference,
    where the run is exactly what the reader will make again; any other edge as it is."""
    return _with_references(kb.edges, _runs(kb.documents, len(kb.documents) > 1))


def _made() -> dict[str, Callable[[Document, bool], list[Edge]]]:
    """The edge types whose edges of a document its model gives again: type -> maker."""
    from kb.link import contains_edges, mention_edges

    return {"contains": contains_edges, "mentions": mention_edges}


def _runs(docs, multi: bool) -> dict[tuple[str, str, str], tuple[str, list[Edge]]]:
    runs: dict[tuple[str, str, str], tuple[str, list[Edge]]] = {}
    for d in docs:
        for kind, make in _made().items():
            made = make(d, multi)
            if made:
                runs.setdefault((kind, made[0].source, made[0].target), (d.id, made))
    return runs


def _with_references(edges: list[Edge], runs) -> Iterator[Edge | dict]:
    i = 0
    while i < len(edges):
        e = edges[i]
        key = (e.type, e.source, e.target)
        run = runs.get(key)
        if run is not None and edges[i : i + len(run[1])] == run[1]:
            del runs[key]
            yield {f"{e.type}_of": run[0], "count": len(run[1])}
            i += len(run[1])
        else:
            yield e
            i += 1


def read_kb_json(path: Path, edges: bool = True, part: Part | None = None) -> KB:
    """The model of a build's kb.json (or of a full export of it); ``edges``: False for a reader
    that needs none (kb mentions, targets, entities), which skips the last third of the file;
    ``part``: what each document's stored dict is cut to before its model is made, for a reader
    that needs only that part (:func:`targets_part`)."""
    from kb.model import kb_from_dict
    from kb.store import read_json

    if not edges:
        fast = _seeking(path, part)
        if fast is not None:
            return fast
    data = None if edges else _without_edges(path)
    if data is None:
        data = read_json(path, "knowledge base")
    if not isinstance(data, dict):
        raise KBError(f"{path}: not a knowledge base (run: kb build)")
    if part is not None:
        data["documents"] = [part(d) for d in data.get("documents") or []]
    stored = data.pop("edges", None) or []
    try:
        kb = kb_from_dict(data)
    except ValueError as err:  # a kb.json of another schema version
        raise KBError(f"{path}: {err} (run: kb build)") from None
    kb.edges = _loaded(path, kb, stored)
    return kb


def _loaded(path: Path, kb: KB, stored: Iterable[dict], picks: Callable[[str], bool] = lambda _: True) -> list[Edge]:
    """Edges from their stored form; a reference to a document's mentions (or contains) edges
    made again from it when ``picks`` its id."""
    from kb.graph.links import loaded_link, loaded_related
    from kb.model import edge_from_dict

    doc_of = document_of(kb)
    multi = len(kb.documents) > 1
    makers = _made()
    out: list[Edge] = []
    for e in stored:
        if "related_of" in e:
            out.extend(edge_from_dict(x) for x in loaded_related(e))
            continue
        kind = next((k for k in makers if f"{k}_of" in e), None)
        if kind is None:
            out.append(edge_from_dict(loaded_link(e, weight=None) if "ev" in e else e))
            continue
        doc_id = e[f"{kind}_of"]
        if not picks(doc_id):
            continue
        doc = doc_of(doc_id)
        made = makers[kind](doc, multi) if doc is not None else []
        if len(made) != e.get("count"):  # written by other code: the reference no longer holds
            raise KBError(f"{path}: the {kind} edges of {doc_id} cannot be rebuilt (run: kb build)")
        out.extend(made)
    return out


def edges_touching(path: Path, kb: KB, ids: set[str]) -> list[Edge]:
    """The edges of kb.json from or to one of ``ids``, in order, ``kb`` being the file read
    without its edges: only the lines that name one of them are parsed, and only the mentions of
    documents those ids are in made again (kb show needs a unit's own edges, not a collection's)."""
    import json

    from kb.build.seek import SeekDocuments

    # a mention edge runs from a unit of its document (``doc/T3`` when there are several) to an
    # entity; a contains edge from the document or a chapter of it
    everywhere = len(kb.documents) < 2 or not ids.isdisjoint(e.id for e in kb.entities)
    picks = lambda d: everywhere or any(x == d or x.startswith(d + "/") for x in ids)  # noqa: E731
    docs = kb.documents
    stored: Iterable[dict]
    if isinstance(docs, SeekDocuments) and not everywhere:
        # a document's edges name its own units only: read the runs of the documents named
        stored = [e for d in docs.ids if picks(d) for e in docs.edge_lines(d)]
    else:
        text = Path(path).read_text(encoding="utf-8")
        i = text.rfind('\n"edges":[')
        if i < 0:  # not the build's layout (a full export): read whole
            return [e for e in read_kb_json(path).edges if e.source in ids or e.target in ids]
        marks = [f'"{end}":{_dump(x)}' for x in ids for end in ("source", "target")]
        # a run of related edges names its ends without their document (kb.graph.links.stored_links)
        locals_ = [_dump(x[x.rfind("/") + 1 :])[1:-1] for x in ids]
        lines = (ln[:-1] if ln.endswith(",") else ln for ln in text[i:].split("\n")[2:])  # an item a line
        refs = tuple(f'{{"{k}_of":' for k in _made())
        stored = (
            json.loads(ln)
            for ln in lines
            if ln.startswith(refs)
            or any(m in ln for m in marks)
            or (ln.startswith('{"related_of":') and any(x in ln for x in locals_))
        )
    return [e for e in _loaded(path, kb, stored, picks) if e.source in ids or e.target in ids]


def document_of(kb: KB) -> Callable[[str], Document | None]:
    """Document by id, without parsing every document of a build read by its sidecar."""
    from kb.build.seek import SeekDocuments

    if isinstance(kb.documents, SeekDocuments):
        return kb.documents.by_id
    docs = {d.id: d for d in kb.documents}
    return docs.get


def _seeking(path: Path, part: Part | None = None) -> KB | None:
    """kb.json without its edges through its sidecar: the entities parsed now, each document (or
    its ``part``) when it is first reached. None when there is no sidecar for this very file."""
    from kb.build.seek import SeekDocuments, entities_of, open_seek

    seek = open_seek(path)
    if seek is None:
        return None
    docs = SeekDocuments(seek, part)
    return KB(documents=docs, entities=entities_of(seek))  # type: ignore[arg-type]


def targets_part(d: dict) -> dict:
    """A stored document's dict cut to what its targets need (kb targets): the units that have
    some, in their order, without mentions; no outline. Making every mention of a collection
    was most of the time `kb targets` took."""
    has = lambda u: bool(u.get("targets"))  # noqa: E731
    d["tasks"] = [u for u in d.get("tasks") or [] if has(u)]
    d["paragraphs"] = [u for u in d.get("paragraphs") or [] if has(u)]
    for t in d.get("indicator_tables") or []:
        t["rows"] = [r for r in t.get("rows") or [] if has(r)]
    for u in [*d["tasks"], *d["paragraphs"], *(r for t in d.get("indicator_tables") or [] for r in t["rows"])]:
        u["mentions"] = []
    for c in d.get("chapters") or []:
        c["mentions"] = []
    d["outline"] = []
    return d


def _without_edges(path: Path) -> dict | None:
    """kb.json's documents and entities, its edges left unread: the writer puts ``"edges":[`` at
    the start of a line, where no JSON string can (a raw line break cannot be in one), and last.
    None when the file is not of that form (a full export), so it is read whole."""
    import json

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None  # read_json says what is wrong
    i = text.rfind('\n"edges":[')
    if i < 0 or not text[:i].endswith("],"):
        return None
    try:
        data = json.loads(text[: i - 1] + "}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
