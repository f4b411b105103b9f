"""The layer guard: est_data's rooms import only downwards, and nothing imports in a circle.

Layers, low to high (README §1); a room may import its own layer and the ones below:

    {store, core} < {ingest, areas, incidents} < {overview, maps, trends, measures, evaluation, demo,
    reporting, walks, nearrepeat}
    < {webui, cli, cli_maps, cli_eval, cli_lagesbild}

Within a layer imports are allowed, but no cycle may form, neither between modules nor
between rooms (packages). Only ``est_data.webui`` imports Streamlit; pages and app.py
may import anything and are not checked. Imports inside functions count too: a lazy
import hides a cycle from Python, not from the reader.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from repo import REPO_ROOT

PACKAGE = "est_data"

LAYERS: list[set[str]] = [
    {"store", "core"},
    {"ingest", "areas", "incidents"},
    {"overview", "maps", "trends", "measures", "evaluation", "demo", "reporting", "walks",
     "nearrepeat"},
    {"webui", "cli", "cli_maps", "cli_eval", "cli_lagesbild", "__main__", PACKAGE},
]

#: Rooms that count as one room when looking for cycles between rooms, with the reason.
ONE_ROOM_FOR_CYCLES: dict[frozenset[str], str] = {
    frozenset({"store", "core"}): "the bottom layer: store reads core's config and errors, "
                                  "core's filters build SQL with store.sqlutil.in_list",
}

#: Known violations the code does not fix yet, each with the reason; the test fails when
#: one of them disappears, so the table never outlives the problem.
KNOWN: dict[str, str] = {}

STREAMLIT_ROOMS = {"webui"}


# --- reading the imports --------------------------------------------------------------

def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every dotted name the module imports: ``import a.b`` gives ``a.b``, ``from a import
    b`` gives ``a.b`` (a submodule or a name in ``a``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                anchor = parts[: len(parts) - node.level + is_package]
                base = ".".join(anchor + ([base] if base else []))
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def read_imports(root: Path = REPO_ROOT) -> dict[str, set[str]]:
    """``{module: imported dotted names}`` for every module under est_data."""
    out = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        name = module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out[name] = imported_names(tree, name, path.name == "__init__.py")
    return out


# --- the rules ------------------------------------------------------------------------

def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer(module: str) -> int:
    return next(i for i, rooms in enumerate(LAYERS) if room(module) in rooms)


def module_edges(imports: dict[str, set[str]]) -> dict[str, set[str]]:
    """Imports between est_data's own modules; a name that is not a module stands for the
    module that defines it (``est_data.maps.OSM`` -> ``est_data.maps``)."""
    def resolve(name: str) -> str | None:
        while name and name not in imports:
            name = name.rpartition(".")[0]
        return name or None

    return {module: {t for t in map(resolve, names) if t and t != module}
            for module, names in imports.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def room_edges(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Imports between rooms, with the rooms of ONE_ROOM_FOR_CYCLES merged."""
    def merged(module: str) -> str:
        r = room(module)
        return next(("+".join(sorted(group)) for group in ONE_ROOM_FOR_CYCLES if r in group), r)

    out: dict[str, set[str]] = {}
    for module, targets in edges.items():
        out.setdefault(merged(module), set()).update(
            merged(t) for t in targets if merged(t) != merged(module))
    return out


def violations(imports: dict[str, set[str]]) -> list[str]:
    """Every broken rule, one line each."""
    edges = module_edges(imports)
    found = [f"upward import: {m} ({room(m)}) imports {t} ({room(t)})"
             for m, targets in sorted(edges.items()) for t in sorted(targets)
             if layer(t) > layer(m)]
    found += [f"module cycle: {' <-> '.join(c)}" for c in cycles(edges)]
    found += [f"room cycle: {' <-> '.join(c)}" for c in cycles(room_edges(edges))]
    found += [f"streamlit outside webui: {m}" for m, names in sorted(imports.items())
              if room(m) not in STREAMLIT_ROOMS
              and any(n == "streamlit" or n.startswith("streamlit.") for n in names)]
    return found


# --- the guard ------------------------------------------------------------------------

def test_every_module_is_in_a_layer():
    assert [m for m in read_imports() if not any(room(m) in rooms for rooms in LAYERS)] == []


def test_est_data_keeps_its_layers():
    found = violations(read_imports())
    assert [v for v in found if v not in KNOWN] == []
    assert [k for k in KNOWN if k not in found] == [], "a known violation is gone: drop it"


# --- the checker itself, on made-up imports -------------------------------------------

CASES = [
    ("downward import is fine",
     {"est_data.maps.a": {"est_data.store.db"}, "est_data.store.db": set()}, []),
    ("same layer, no cycle, is fine",
     {"est_data.maps.a": {"est_data.trends.b"}, "est_data.trends.b": set()}, []),
    ("store and core may import each other's modules",
     {"est_data.core.f": {"est_data.store.sqlutil"}, "est_data.store.sqlutil": set(),
      "est_data.store.db": {"est_data.core.config"}, "est_data.core.config": set()}, []),
    ("upward import",
     {"est_data.store.db": {"est_data.maps.a"}, "est_data.maps.a": set()},
     ["upward import: est_data.store.db (store) imports est_data.maps.a (maps)"]),
    ("a lower room imports the cli",
     {"est_data.demo.build": {"est_data.cli"}, "est_data.cli": set()},
     ["upward import: est_data.demo.build (demo) imports est_data.cli (cli)"]),
    ("module cycle inside a room",
     {"est_data.store.db": {"est_data.store.reader"},
      "est_data.store.reader": {"est_data.store.db"}},
     ["module cycle: est_data.store.db <-> est_data.store.reader"]),
    ("room cycle without a module cycle",
     {"est_data.maps.a": {"est_data.overview.q"}, "est_data.overview.q": set(),
      "est_data.overview.r": {"est_data.maps.b"}, "est_data.maps.b": set()},
     ["room cycle: maps <-> overview"]),
    ("from pkg import submodule points at the submodule",
     {"est_data.maps": {"est_data.maps.a"}, "est_data.maps.a": set(),
      "est_data.maps.b": {"est_data.maps.a"}}, []),
    ("from pkg import name points at the package",
     {"est_data.maps": {"est_data.maps.a"}, "est_data.maps.a": {"est_data.maps.x"}},
     ["module cycle: est_data.maps <-> est_data.maps.a"]),
    ("streamlit outside webui",
     {"est_data.trends.a": {"streamlit"}, "est_data.webui.ui": {"streamlit"}},
     ["streamlit outside webui: est_data.trends.a"]),
]


@pytest.mark.parametrize("imports, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_checker(imports, expected):
    assert violations(imports) == expected


def test_imports_are_read_from_the_source(tmp_path):
    pkg = tmp_path / PACKAGE / "store"
    pkg.mkdir(parents=True)
    (tmp_path / PACKAGE / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "db.py").write_text("def f():\n    from est_data.maps import a\n")
    (pkg / "rel.py").write_text("from . import db\nfrom .db import f\n")
    imports = read_imports(tmp_path)
    assert imports["est_data.store.db"] == {"est_data.maps.a"}
    assert imports["est_data.store.rel"] == {"est_data.store.db", "est_data.store.db.f"}
