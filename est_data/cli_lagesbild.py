"""``python -m est_data lagesbild``: the meeting view's lägesbild from the command line,
as text for the minutes (``--text``, :mod:`est_data.overview.narrative`) and as PNG or
PDF (:mod:`est_data.overview.lagesbild`). Its own module beside :mod:`est_data.cli` (same
layer) so the command line stays within the house's 400 lines; this only parses and
prints.

The period is the meeting view's (:func:`est_data.overview.since.meeting_period`): since
the last stored meeting before ``--date`` (default: the data's last day), or the usual
meeting cycle when that meeting was only a few days ago.
"""
from __future__ import annotations

from pathlib import Path

from est_data.core.config import db_path
from est_data.store.db import open_db


def cmd_lagesbild(args) -> int:
    from est_data.core.filters import IncidentFilter
    from est_data.incidents.queries import anchor_date
    from est_data.overview import lagesbild, narrative, since

    with open_db(args.db or db_path(), read_only=True) as con:
        anchor = args.date or anchor_date(con)
        period = since.meeting_period(con, IncidentFilter(anchor, anchor).with_period(
            anchor - since.dt.timedelta(days=since.DEFAULT_CYCLE_DAYS - 1), anchor), anchor)
        for path, kind in ((args.png, "png"), (args.pdf, "pdf")):
            if path:
                path.write_bytes(lagesbild.render(con, period.view, period.heading(), kind,
                                                  new_from=period.new_from))
        if args.text or not (args.png or args.pdf):
            print(narrative.period_text(con, period.view, period.heading(), period.new_from))
    return 0


def add_lagesbild_commands(sub, db_arg, iso_date) -> None:
    """lagesbild; ``db_arg`` adds ``--db``, ``iso_date`` parses a date (both from cli)."""
    p = sub.add_parser("lagesbild", help="the meeting view's lägesbild: Swedish text for the "
                       "minutes (--text), PNG or PDF")
    db_arg(p)
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                   help="the meeting's day (default: the last day with data)")
    p.add_argument("--text", action="store_true",
                   help="print Veckans lägesbild i text (the default without --png/--pdf)")
    p.add_argument("--png", type=Path, metavar="FILE", help="write the one-page lägesbild as PNG")
    p.add_argument("--pdf", type=Path, metavar="FILE",
                   help="write the lägesbild as PDF (page 2: the text)")
    p.set_defaults(func=cmd_lagesbild)
