"""A mention: a span of the normalised text and what it names. Every stage after the text speaks in these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Mention:
    """A span [start, end) of the normalised text and what it names."""

    kind: str
    start: int
    end: int
    text: str
    key: str = ""
    label: str = ""
    entity_kind: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)

    def overlaps(self, other: "Mention") -> bool:
        return self.start < other.end and other.start < self.end
