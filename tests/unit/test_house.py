"""The house's size limits (README §1): no module over 400 lines, no function over 60
unless its docstring says why ("Long because: ..."). Checked for est_data, pages and
app.py, so a newcomer can hold any one file in mind."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from repo import REPO_ROOT

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
REASON = "Long because:"


def product_files(root: Path = REPO_ROOT) -> list[Path]:
    return sorted([*(root / "est_data").rglob("*.py"), *(root / "pages").glob("*.py"),
                   root / "app.py"])


def oversized(source: str, name: str) -> list[str]:
    """What breaks the limits in one module's source, as readable lines."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and REASON not in (ast.get_docstring(node) or ""):
                found.append(f"{name}:{node.lineno} {node.name}() {length} lines")
    return found


def test_no_module_or_function_outgrows_the_house():
    found = [v for p in product_files() for v in oversized(
        p.read_text(encoding="utf-8"), str(p.relative_to(REPO_ROOT)))]
    assert found == []


def _function(body_lines: int, doc: str = "") -> str:
    doc_line = f'    """{doc}"""\n' if doc else ""
    return "def f():\n" + doc_line + "    x = 1\n" * body_lines


@pytest.mark.parametrize("source, expected", [
    (_function(59), []),
    (_function(60), ["m.py:1 f() 61 lines"]),
    (_function(60, "Long because: one SQL statement."), []),
    (_function(60, "Long, but no reason."), ["m.py:1 f() 62 lines"]),
    ("x = 1\n" * 401, ["m.py: 401 lines"]),
    ("x = 1\n" * 400, []),
])
def test_the_checker_counts_right(source, expected):
    assert oversized(source, "m.py") == expected
