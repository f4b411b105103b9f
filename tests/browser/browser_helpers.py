"""Helpers for the browser tests: waiting for a run to settle, a users file, and hostile
text in every free-text field."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from est_data.core.auth import hash_password
from est_data.store.db import write_session

PASSWORD = "hemligt-losen"

SETTLED_JS = ("() => document.querySelector('[data-testid=\"stApp\"]')"
              "?.getAttribute('data-test-script-state') === 'notRunning'"
              " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
              " && !document.querySelector('[data-stale=\"true\"]')")


def wait_settled(page) -> None:
    """Until the app's run is over: the app says its script is not running, there is no
    status widget ("Running…") and no stale element left over from the previous run."""
    page.wait_for_function(SETTLED_JS)


def make_users_file(path: Path) -> Path:
    h = hash_password(PASSWORD, salt=b"b" * 16)
    path.write_text("".join(
        f'[auth.users.{u}]\nname = "{u.title()}"\nrole = "{r}"\npassword_hash = "{h}"\n\n'
        for u, r in [("mote", "mote"), ("anna", "analytiker"), ("admin", "admin")]),
        encoding="utf-8")
    return path


def plant_hostile_text(db: Path, payload: str) -> None:
    """Put ``payload`` in descriptions, addresses, raw words, an area and an actor name,
    a measure's title and a meeting's title: everything the app shows as text."""
    with write_session(db) as con:
        last = con.execute("SELECT max(occurred_at) FROM incidents").fetchall()[0][0]
        con.execute("UPDATE incidents SET description = ? || description, address = "
                    "CASE WHEN address IS NULL THEN NULL ELSE ? END, raw_category = ? "
                    "WHERE occurred_at > ?", [payload, payload, payload, last - dt.timedelta(days=40)])
        con.execute("UPDATE areas SET name = name || ? WHERE area_id = "
                    "(SELECT min(area_id) FROM areas WHERE kind = 'deso')", [payload])
        con.execute("UPDATE actors SET name = name || ? WHERE source = 'kommun'", [payload])
        con.execute("UPDATE interventions SET title = ? || title, note = ? WHERE intervention_id = "
                    "(SELECT max(intervention_id) FROM interventions)", [payload, payload])
        con.execute("INSERT INTO meetings VALUES ('xss', ?, ?, ?)",
                    [last.date() - dt.timedelta(days=1), payload, payload])
