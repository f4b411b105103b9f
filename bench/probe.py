"""Runs in a fresh process: one page's first run and filter changes under AppTest.

Prints one JSON object: ``first_run_s`` (wall clock of the page's first script run),
``first_run_cpu_s``, ``ready_s`` (from the start of this process to the page drawn),
``change_s`` (median of the changes), ``changes_s`` and ``changes_cpu_s`` (each
change, wall and CPU), ``payload_bytes`` (the largest
custom component's arguments, i.e. the map HTML), ``maxrss_mb`` (peak resident memory
of this process) and ``errors``.

    python -m bench.probe --db DB --app app.py --page pages/karta.py \
        --change f_categories=klotter --change f_categories=klotter,inbrott

A change is ``widget_key=value``; a multiselect takes a comma-separated list (empty for
none), other widgets a Python literal or a plain string. With ``--warm`` the process
first runs an empty script, as a server has done (Streamlit's own start-up) before its
first user arrives; the first run then times what that user waits for.
"""
from __future__ import annotations

import time

T_PROCESS = time.perf_counter()

import argparse  # noqa: E402
import ast  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

WIDGET_KINDS = ("multiselect", "selectbox", "slider", "checkbox", "toggle", "radio",
                "segmented_control", "date_input", "button_group", "pills", "text_input",
                "number_input", "select_slider")


def component_payload(at) -> int:
    """Bytes of the largest custom component (the folium map) in the element tree."""
    best = 0
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) == "component_instance" and proto is not None:
            best = max(best, len(proto.json_args.encode()))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return best


def parse_value(text: str, widget):
    """The value for ``widget`` written as text (see the module docstring)."""
    if isinstance(getattr(widget, "value", None), (list, tuple)) and not text.startswith(("[", "(")):
        return [v for v in text.split(",") if v]
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _widgets(at):
    for kind in WIDGET_KINDS:
        try:
            yield from getattr(at, kind)
        except (AttributeError, KeyError, TypeError):
            continue


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--page", default=None)
    ap.add_argument("--change", action="append", default=[], help="widget_key=value")
    ap.add_argument("--warm", action="store_true",
                    help="run an empty script first, as a started server has")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    os.environ["EST_DB"] = str(Path(args.db).resolve())
    sys.path.insert(0, str(Path(args.app).resolve().parent))
    from streamlit.testing.v1 import AppTest

    if args.warm:
        AppTest.from_string("import streamlit as st\nst.write('start')").run()
    at = AppTest.from_file(str(Path(args.app).resolve()), default_timeout=args.timeout)
    if args.page:
        at.switch_page(args.page)
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
    ready = time.perf_counter() - T_PROCESS
    errors = [str(e.value)[:300] for e in at.exception]
    payload = component_payload(at)
    changes, changes_cpu = [], []
    for spec in args.change:
        key, _, text = spec.partition("=")
        element = next((w for w in _widgets(at) if getattr(w, "key", None) == key), None)
        if element is None:
            errors.append(f"no widget with key {key}")
            continue
        element.set_value(parse_value(text, element))
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        changes.append(time.perf_counter() - t0)
        changes_cpu.append(time.process_time() - c0)
        errors += [str(e.value)[:300] for e in at.exception]
        payload = max(payload, component_payload(at))
    print(json.dumps({
        "first_run_s": round(first, 4),
        "first_run_cpu_s": round(first_cpu, 4),
        "ready_s": round(ready, 4),
        "change_s": round(statistics.median(changes), 4) if changes else None,
        "changes_s": [round(c, 4) for c in changes],
        "changes_cpu_s": [round(c, 4) for c in changes_cpu],
        "payload_bytes": payload,
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "errors": errors[:3],
    }))


if __name__ == "__main__":
    main()
