"""Runs in a fresh process: one page's first run and a filter change under AppTest.

Prints one JSON object: ``first_run_s``, ``change_s`` (median of the changes),
``payload_bytes`` (the largest custom component's arguments, i.e. the map HTML),
``maxrss_mb`` (peak resident memory of this process).

    python -m bench.probe --db DB --app app.py --page pages/karta.py \
        --change f_categories=klotter --change f_categories=
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


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


def parse_change(text: str):
    key, _, value = text.partition("=")
    if value.startswith("[") or value.startswith("(") or value in ("True", "False") or value.lstrip("-").isdigit():
        import ast
        return key, ast.literal_eval(value)
    return key, ([v for v in value.split(",") if v] if key in LIST_KEYS else value)


LIST_KEYS = {"f_categories", "f_sources", "f_areas", "f_weekdays"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--page", default=None)
    ap.add_argument("--change", action="append", default=[], help="widget_key=value")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    os.environ["EST_DB"] = str(Path(args.db).resolve())
    sys.path.insert(0, str(Path(args.app).resolve().parent))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(args.app).resolve()), default_timeout=args.timeout)
    if args.page:
        at.switch_page(args.page)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    errors = [e.value for e in at.exception]
    payload = component_payload(at)
    changes = []
    for spec in args.change:
        key, value = parse_change(spec)
        widget = at.session_state  # noqa: F841  (state exists after the first run)
        element = next((w for w in _widgets(at) if getattr(w, "key", None) == key), None)
        if element is None:
            errors.append(f"no widget with key {key}")
            continue
        element.set_value(value)
        t0 = time.perf_counter()
        at.run()
        changes.append(time.perf_counter() - t0)
        errors += [e.value for e in at.exception]
        payload = max(payload, component_payload(at))
    print(json.dumps({
        "first_run_s": round(first, 4),
        "change_s": round(statistics.median(changes), 4) if changes else None,
        "changes_s": [round(c, 4) for c in changes],
        "payload_bytes": payload,
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "errors": errors[:3],
    }))


def _widgets(at):
    for kind in ("multiselect", "selectbox", "slider", "checkbox", "toggle", "radio",
                 "segmented_control", "date_input", "button_group", "pills", "text_input",
                 "number_input", "select_slider"):
        try:
            yield from getattr(at, kind)
        except (AttributeError, KeyError, TypeError):
            continue


if __name__ == "__main__":
    main()
