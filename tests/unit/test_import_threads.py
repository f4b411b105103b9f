"""Imports from several threads at once: a fresh server runs the first sessions' pages in
parallel, each importing est_data for the first time.

Python imports one module per thread safely, but a module that imports its own package
while that package's ``__init__`` imports it back forms a circle across threads: thread A
runs the package's ``__init__`` and waits for the module, thread B runs the module and
waits for the package. Python breaks the deadlock by handing one of them a half-made
module, and the page fails with "cannot import name ... from partially initialized
module" (issue 12, item 1). The rule: a module inside a package whose ``__init__``
imports from it never imports that package; it imports its siblings by their full name
(``import est_data.maps.grid as grid``), which never waits for the package.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from repo import REPO_ROOT

PACKAGE_ROOT = REPO_ROOT / "est_data"


def _runs_at_import(tree: ast.Module):
    """The statements a module runs when it is imported: not those in functions or
    classes' methods, nor an ``if TYPE_CHECKING:`` block."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def _module_path(name: str) -> Path | None:
    base = REPO_ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def import_time_imports(path: Path, package: str) -> tuple[set[str], list[str]]:
    """What ``path`` (a module of ``package``) imports when it is imported: the modules of
    ``package`` it loads, and the statements that wait for ``package`` itself while
    another thread runs its ``__init__`` (``from package import x``, ``from . import x``,
    ``import package`` and ``import package.x as y``)."""
    modules, waits = set(), []
    where = lambda node: f"{path.relative_to(REPO_ROOT)}:{node.lineno}"  # noqa: E731
    for node in _runs_at_import(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = path.relative_to(REPO_ROOT).with_suffix("").parts
                anchor = parts[:len(parts) - node.level + (path.name == "__init__.py")]
                base = ".".join([*anchor, *([base] if base else [])])
            if base == package and path.name != "__init__.py":
                waits.append(where(node))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
            modules.update(n for n in names if n.startswith(package + ".") and _module_path(n))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or (alias.asname and alias.name.startswith(package + ".")):
                    if path.name != "__init__.py":
                        waits.append(where(node))
                if alias.name.startswith(package + "."):
                    modules.add(alias.name)
    return modules, waits


def waits_for_package(package: str) -> list[str]:
    """The statements that wait for ``package`` in the modules its ``__init__`` loads
    (and those they load in turn): the circle a second thread can close."""
    init = _module_path(package)
    seen, todo, found = set(), [init], []
    while todo:
        path = todo.pop()
        modules, waits = import_time_imports(path, package)
        if path != init:
            found += waits
        for name in modules:
            p = _module_path(name)
            if p not in seen and p != init:
                seen.add(p)
                todo.append(p)
    return sorted(found)


@pytest.mark.parametrize("package", sorted(
    f"est_data.{p.parent.name}" for p in PACKAGE_ROOT.glob("*/__init__.py")))
def test_no_module_a_package_loads_waits_for_the_package(package):
    assert waits_for_package(package) == []


# Thread A imports a name from the package and is held at the start of the module that
# defines it (so far inside the package's __init__, holding the package's import lock);
# thread B then imports another module of the package. Once B has
# finished or is waiting for an import lock, A goes on. Before the fix B waited for the
# package and A then for B's module: the circle Python breaks with a half-made module.
RACE = r"""
import importlib._bootstrap as bootstrap
import importlib.machinery
import sys
import threading
import time

package, name, first, module = sys.argv[1:5]
a_held, release_a = threading.Event(), threading.Event()
errors = []


class HoldA:
    def find_spec(self, name, path=None, target=None):
        if name != first or threading.current_thread().name != "A":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(mod):
            a_held.set()
            release_a.wait(30)
            run(mod)

        spec.loader.exec_module = exec_module
        return spec


def reporting(run):
    def go():
        try:
            run()
        except BaseException as exc:
            errors.append(f"{threading.current_thread().name}: {exc!r}")
    return go


sys.meta_path.insert(0, HoldA())
a = threading.Thread(target=reporting(lambda: exec(f"from {package} import {name}")), name="A")
b = threading.Thread(target=reporting(lambda: __import__(module)), name="B")
a.start()
assert a_held.wait(60), "A never reached the package's first module"
b.start()
deadline = time.monotonic() + 60
while b.is_alive() and b.ident not in bootstrap._blocking_on and time.monotonic() < deadline:
    time.sleep(0.01)
release_a.set()
a.join(120)
b.join(120)
print("\n".join(errors) or "ok")
"""


@pytest.mark.parametrize("package, name, first, module", [
    ("est_data.maps", "build_map", "est_data.maps.build", "est_data.maps.data"),
    ("est_data.ingest", "IngestError", "est_data.ingest.errors", "est_data.ingest.profiles"),
])
def test_a_package_and_its_module_imported_at_once(package, name, first, module):
    out = subprocess.run([sys.executable, "-c", RACE, package, name, first, module],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
