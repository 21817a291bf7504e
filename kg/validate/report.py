"""What a check found: each violation (`Result`) and the verdict with its text (`Report`).

Why it exists: a build's report is read next to `kemensos-kg validate`'s, which is pySHACL's, so
results are worded as pySHACL's text report words them (component, source shape, focus node,
value node, result path, message).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One violation: of which constraint component, in which shape, at which focus and value node."""

    component: str
    shape: str
    focus: str
    path: str
    value: str | None
    message: str

    def text(self) -> str:
        """This result as pySHACL's text report writes one."""
        lines = [f"Constraint Violation in {self.component}:", f"\tSource Shape: {self.shape}", f"\tFocus Node: {self.focus}"]
        if self.value is not None:
            lines.append(f"\tValue Node: {self.value}")
        if self.path:
            lines.append(f"\tResult Path: {self.path}")
        lines.append(f"\tMessage: {self.message}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    """What one check found: how many violations, and their text."""

    violations: int
    text: str

    @property
    def conforms(self) -> bool:
        return self.violations == 0

    @classmethod
    def of(cls, results: Sequence[Result]) -> Report:
        """The report on `results`: pySHACL's header, then each result."""
        if not results:
            return cls(0, "")
        text = f"Validation Report\nConforms: False\nResults ({len(results)}):\n" + "\n".join(r.text() for r in results)
        return cls(len(results), text)
