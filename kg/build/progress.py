"""A build's progress on a terminal: releases done, their rate and the time left, as tqdm draws them.

Drawn on standard error, and only when both standard output and standard error are terminals: a build
whose output goes to a file or a pipe prints its one summary line and nothing else.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def on_terminal() -> bool:
    return sys.stdout.isatty() and sys.stderr.isatty()


def track(items: Iterable[T], total: int, stage: str) -> Iterator[T]:
    """`items`, counted on a bar named `stage` that is cleared when the stage ends."""
    if not on_terminal():
        yield from items
        return
    size = shutil.get_terminal_size((80, 24))  # a terminal that reports no size (0 × 0) gets 80 × 24
    with tqdm(total=total, desc=stage, unit=" releases", file=sys.stderr, leave=False, ncols=size.columns,
              nrows=size.lines, smoothing=0.05, mininterval=0.2) as bar:
        for item in items:
            yield item
            bar.update()


def note(text: str) -> None:
    """One line on the terminal for a stage that has no count (writing the shared graphs, the merge)."""
    if on_terminal():
        print(f"{text}…", file=sys.stderr, flush=True)


__all__ = ["on_terminal", "track", "note"]
