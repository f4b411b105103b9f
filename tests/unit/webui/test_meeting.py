"""The meeting view's refresh timer (est_data.webui.meeting); the rest of the view is
tested in tests/app/test_oversikt.py and tests/browser/test_meeting_screen.py."""
from __future__ import annotations

from est_data.webui import meeting


def test_refresh_is_due_after_its_minutes():
    assert not meeting.refresh_due(100.0, 100.0 + 4 * 60, 5)
    assert meeting.refresh_due(100.0, 100.0 + 5 * 60 - 0.5, 5)  # the timer's slack
    assert meeting.refresh_due(100.0, 100.0 + 11 * 60, 5)
