"""``python -m est_data evaluate`` and ``followup``: before/after evaluations of measures
on the command line. Its own module beside :mod:`est_data.cli` (same layer) so that the
command line stays within the house's 400 lines; the logic is :mod:`est_data.evaluation`,
this only parses and prints.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from est_data.core.config import db_path
from est_data.core.errors import UserError
from est_data.evaluation import evaluate as evaluation_mod
from est_data.evaluation.matching import COMPARISONS
from est_data.evaluation.plans import plan_for
from est_data.evaluation.report import planned_evaluation
from est_data.evaluation.selection import EvaluationSpec
from est_data.evaluation.summary_sv import headline, summary_text
from est_data.store.db import open_db

# Dates an evaluation can be about: far outside them the windows leave the calendar.
EVALUATION_DATES = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))


def cmd_evaluate(args) -> int:
    path = args.db or db_path()
    if args.measure:
        return _evaluate_plan(path, args)
    if not args.area or args.date is None:
        raise UserError("give --area and --date, or --measure ID",
                        "Ange område och datum, eller en insats.")
    first, last = EVALUATION_DATES
    if not first <= args.date <= last:
        raise UserError(f"--date {args.date.isoformat()} is outside {first} to {last}",
                        f"Datumet {args.date.isoformat()} ligger utanför {first}–{last}.")
    if args.buffer and args.buffer_m is not None:
        raise ValueError("give either --buffer areas or --buffer-m, not both")
    spec = EvaluationSpec(
        targets=tuple(args.area), date=args.date, before_days=args.before_days,
        after_days=args.after_days, gap_days=args.gap_days,
        categories=tuple(dict.fromkeys(args.category or ())),
        controls=tuple(args.control or ()),
        buffer="ring" if args.buffer_m is not None else ("areas" if args.buffer else "neighbours"),
        buffers=tuple(args.buffer or ()),
        buffer_m=args.buffer_m if args.buffer_m is not None else 300.0,
        comparison=args.comparison)
    with open_db(path, read_only=True) as con:
        ev = evaluation_mod.evaluate(con, spec)
    return _print(ev, args.json)


def _evaluate_plan(path, args) -> int:
    """``--measure ID``: the measure's evaluation plan, as the Årsuppföljning uses it."""
    if args.area or args.date or args.control or args.buffer or args.category:
        raise UserError("--measure takes its choices from the plan: leave out --area, "
                        "--date, --control, --buffer and --category",
                        "En insats utvärderas enligt sin plan; ange inga andra val.")
    with open_db(path, read_only=True) as con:
        plan = plan_for(con, args.measure)
        if plan is None:
            raise UserError(f"unknown measure: {args.measure}",
                            f"Okänd insats: {args.measure}.")
        ev = planned_evaluation(con, plan.spec, args.measure)
    return _print(ev, args.json)


def _print(ev, as_json: bool) -> int:
    if as_json:
        print(json.dumps(evaluation_mod.to_json_dict(ev), ensure_ascii=False))
    else:
        print(headline(ev))
        if ev.plan_note:
            print(ev.plan_note)
        print()
        print(summary_text(ev))
    return 0


def cmd_followup(args) -> int:
    from est_data.evaluation import followup

    if not 1 <= args.months <= 36:
        raise ValueError("--months must be between 1 and 36")
    path = args.db or db_path()
    with open_db(path, read_only=True) as con:
        results = followup.focus_followup(con, months=args.months)
    if args.html:
        args.html.write_text(followup.render_html(results, database=Path(path).name),
                             encoding="utf-8")
        print(f"wrote {args.html}")
        return 0
    if not results:
        print("Det finns inga fokusområden i databasen.")
        return 0
    for row in followup.followup_table(results).to_dict("records"):
        print(f"{row['Fokusområde']} (från {row['Första insats']}, {row['Insatser']} insatser): "
              f"{row['Före → efter']}, förändring {row['Förändring']}, jämförelseområden "
              f"{row['Jämförelseområden']}, bedömd förändring {row['Bedömd förändring']}. "
              f"{row['Bedömning']}")
    return 0



def add_evaluation_commands(sub, db_arg, iso_date) -> None:
    """evaluate and followup; ``db_arg`` adds ``--db``, ``iso_date`` parses a date."""
    p = sub.add_parser(
        "evaluate", help="before/after evaluation of a measure (Swedish summary or --json)",
        description="Before = [date - before-days, date), after = [date, date + after-days). "
                    "Counts unique incidents; by default all categories, comparison areas "
                    "that do not touch the target, and the neighbouring areas as buffer.")
    db_arg(p)
    p.add_argument("--measure", metavar="ID",
                   help="evaluate a logged measure by its evaluation plan (instead of the "
                        "choices below)")
    p.add_argument("--area", action="append", metavar="ID",
                   help="target area id (repeat for several)")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                   help="date the measure took effect")
    p.add_argument("--before-days", type=int, default=365, metavar="N",
                   help="length of the before window in days (default 365)")
    p.add_argument("--after-days", type=int, default=365, metavar="N",
                   help="length of the after window in days (default 365)")
    p.add_argument("--gap-days", type=int, default=0, metavar="N",
                   help="implementation days left out after the date (default 0)")
    p.add_argument("--control", action="append", metavar="ID",
                   help="comparison area id (repeat; default: the candidates nearest the "
                        "target on before-level and trend)")
    p.add_argument("--comparison", choices=COMPARISONS, default="matched",
                   help="without --control: 'matched' (default) takes the areas most like "
                        "the target before the measure, 'all' every area not touching it")
    p.add_argument("--buffer", action="append", metavar="ID",
                   help="buffer area id for displacement (repeat; default: neighbouring areas)")
    p.add_argument("--buffer-m", type=float, default=None, metavar="M",
                   help="use a ring of M metres around the target as buffer instead")
    p.add_argument("--category", action="append", metavar="C",
                   help="category code (repeat; default: all categories)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object instead of the Swedish summary")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser(
        "followup", help="Årsuppföljning: every focus area from its first measure",
        description="Evaluates each focus area from its first measure with equal windows "
                    "before and after, störning and inbrott, and the standard comparison "
                    "areas; prints one Swedish line per area, or writes the HTML report.")
    db_arg(p)
    p.add_argument("--months", type=int, default=12, metavar="N",
                   help="months before and after (default 12)")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the printable report here")
    p.set_defaults(func=cmd_followup)
