"""Helpers shared by the edge rules: document-qualified ids and evidence records."""

from __future__ import annotations

from dataclasses import dataclass

from kb.ids import qualify
from kb.model import Document, Sentence, Unit


@dataclass
class _Ids:
    """Bare ids for a one-document KB; ``doc/`` prefixed ids when there are several."""

    multi: bool

    def __call__(self, doc: Document, local: str) -> str:
        return qualify(doc.id, local, self.multi)


def _ev(ids: _Ids, doc: Document, unit: str, sentence: str, text: str, **extra) -> dict:
    ev = {"unit": ids(doc, unit), "sentence": ids(doc, sentence), "text": text}
    ev.update(extra)
    return ev


def _sentence_with(u: Unit, text: str) -> Sentence | None:
    return next((s for s in u.sentences if text and text in s.text), None)


# --------------------------------------------------------------------------- link


def _task_units(doc: Document) -> list[Unit]:
    """Tasks, or prose paragraphs for a plan without numbered tasks."""
    return list(doc.tasks) if doc.tasks else list(doc.paragraphs)
