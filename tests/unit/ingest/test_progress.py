"""The import's progress on the terminal."""
from __future__ import annotations

import io

from est_data.ingest.progress import terminal_bar


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_line_per_step_when_not_a_terminal():
    out = io.StringIO()
    show = terminal_bar(True, out)
    show(0.0, "read")
    show(1.0, "done")
    assert out.getvalue().splitlines() == [
        "[..............................]   0% reading the file",
        "[##############################] 100% done"]
    assert terminal_bar(False, out) is None


def test_one_bar_that_fills_on_a_terminal():
    out = _Tty()
    show = terminal_bar(True, out)
    show(0.5, "write")
    show(1.0, "done")
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "#" * 15 + "." * 15 in text and "writing and searching duplicates" in text
