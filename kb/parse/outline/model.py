"""The outline's data: :class:`Node`, :class:`Outline`, the lossless check and the builder the parser fills."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Optional

from kb.parse.outline.headings import _lines

KINDS = ("part", "chapter", "section", "item", "box", "table", "row", "paragraph", "front", "back")


@dataclass
class Node:
    id: str
    kind: str
    level: int
    label: str
    title: str
    parent: Optional[str]
    start: int
    end: int
    responsible: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    number: Optional[int] = None
    style: str = ""
    path: str = ""
    header: list = field(default_factory=list)
    runin: bool = False
    resp_notes: int = 0  # how many 责任单位-style annotations were read in this node's text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Outline:
    nodes: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def get(self, node_id: str) -> Optional[Node]:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def children(self, node_id: Optional[str]) -> list:
        return [n for n in self.nodes if n.parent == node_id]

    def of_kind(self, *kinds: str) -> list:
        return [n for n in self.nodes if n.kind in kinds]

    def node_at(self, offset: int) -> Optional[Node]:
        """The node whose own span holds ``offset``."""
        for n in self.nodes:
            if n.start <= offset < n.end:
                return n
        return self.nodes[-1] if self.nodes and offset == self.nodes[-1].end else None

    def ancestors(self, node: Node) -> list:
        out, by_id = [], {n.id: n for n in self.nodes}
        while node.parent is not None:
            node = by_id[node.parent]
            out.append(node)
        return out

    def to_dict(self) -> dict:
        return {"nodes": [n.to_dict() for n in self.nodes], "notes": list(self.notes)}


def check_lossless(outline: Outline, text: str) -> None:
    """Raise ValueError unless the nodes' own spans tile ``text`` exactly."""
    pos = 0
    for n in sorted(outline.nodes, key=lambda n: (n.start, n.end)):
        if n.start != pos or n.end < n.start:
            raise ValueError(f"node {n.id} spans {n.start}..{n.end}, expected a start at {pos}")
        pos = n.end
    if pos != len(text):
        raise ValueError(f"nodes end at {pos}, text has {len(text)} characters")


class _Builder:
    def __init__(self, text: str):
        self.text = text
        self.L = _lines(text)
        self.nodes: list = []
        self.notes: list = []
        self.counters: Counter = Counter()

    def add(self, kind, start, label="", title="", parent=None, **kw) -> Node:
        node = Node(id="", kind=kind, level=0, label=label, title=title, parent=parent, start=start, end=start, **kw)
        self.nodes.append(node)
        return node
