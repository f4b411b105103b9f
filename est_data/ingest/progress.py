"""An import's progress on the terminal: one bar that fills, or a line per step when the
output is not a terminal (a log file, a pipe)."""
from __future__ import annotations

import sys
from typing import TextIO

from est_data.ingest.pipeline import STEPS, Progress

WIDTH = 30


def terminal_bar(enabled: bool, stream: TextIO | None = None) -> Progress | None:
    """A :data:`~est_data.ingest.pipeline.Progress` callback writing to ``stream``
    (stderr by default), or None when not ``enabled``."""
    if not enabled:
        return None
    out = stream or sys.stderr
    tty = out.isatty()

    def show(fraction: float, step: str) -> None:
        text = STEPS.get(step, (step,))[0]
        filled = int(round(fraction * WIDTH))
        line = f"[{'#' * filled}{'.' * (WIDTH - filled)}] {fraction * 100:3.0f}% {text}"
        if tty:
            out.write("\r" + line.ljust(90) + ("\n" if fraction >= 1 else ""))
        else:
            out.write(line + "\n")
        out.flush()
    return show
