"""Stable ASCII file names and anchors for the site.

Ids such as ``T17`` and ``P3`` are used as they are (``T17.html#s3``). Ids with Chinese in
them (``C五``, ``I:精准服务:1``, ``GROUP:农民工``) become a prefix plus a short hash of the id:
stable across builds and corpora, unlike a running number, and safe in any file system.
"""

from __future__ import annotations

import hashlib
import re

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,60}")
_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,60}")
_DOC_PREFIXED = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]{0,60})/([A-Za-z0-9][A-Za-z0-9_-]{0,60})")

TYPE_LABELS = {"ACTOR": "主体", "GROUP": "群体", "PROGRAMME": "项目", "LAW": "法规"}


def short_hash(s: str, n: int = 8) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:n]


def plain(uid: str) -> str | None:
    """The id itself when it is already a safe ASCII name (``T17``, ``doc/T17`` -> ``doc--T17``)."""
    if _PLAIN.fullmatch(uid):
        return uid
    m = _DOC_PREFIXED.fullmatch(uid)
    if m:
        return f"{plain_doc(m.group(1))}--{m.group(2)}"
    return None


def plain_doc(doc_id: str) -> str | None:
    """A document id in a file name. Ids come from file names, so ``A`` and ``a`` are two
    documents, whose pages must not overwrite each other on a case-insensitive file system
    (macOS, Windows): an id with a capital letter gets a hash of its exact spelling."""
    if not _DOC_ID.fullmatch(doc_id):
        return None
    return f"{doc_id}~{short_hash(doc_id, 6)}" if doc_id != doc_id.lower() else doc_id


def unit_file(uid: str, kind: str) -> str:
    if kind == "row":
        return f"row-{short_hash(uid)}.html"
    return f"{plain(uid) or 'u-' + short_hash(uid)}.html"


def chapter_file(cid: str) -> str:
    return f"c-{short_hash(cid)}.html"


def entity_file(eid: str) -> str:
    return f"e-{short_hash(eid)}.html"


def doc_file(prefix: str, doc_id: str) -> str:
    """A per-document page of a multi-document site: ``ents-plan-0001.html``."""
    return f"{prefix}-{plain_doc(doc_id) or short_hash(doc_id)}.html"


def entity_anchor(eid: str) -> str:
    return f"e-{short_hash(eid)}"


def table_anchor(tid: str) -> str:
    return f"t-{short_hash(tid)}"


def sentence_anchor(uid: str, sid: str) -> str:
    """``T17.s3`` on page ``T17`` -> ``s3``."""
    if sid.startswith(uid + "."):
        rest = sid[len(uid) + 1 :]
        if _PLAIN.fullmatch(rest):
            return rest
    return f"s-{short_hash(sid)}"


def entity_type(eid: str) -> str:
    return eid.split(":", 1)[0] if ":" in eid else "OTHER"


def type_class(eid: str) -> str:
    t = entity_type(eid)
    return "m-" + (t.lower() if t in TYPE_LABELS else "other")
