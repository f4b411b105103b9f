"""The navigation for a reporter: Rapportera is their start page and the only one shown."""
from __future__ import annotations

from est_data.core import auth
from est_data.webui import frame


def visible(user):
    return {spec.title for specs in frame.SECTIONS.values() for spec in specs
            if user.can(spec.needs)}


def test_reporter_sees_only_rapportera_and_starts_there():
    nv = auth.User("nv", "Nv", "rapportor", "nattvandrarna")
    assert visible(nv) == {"Rapportera"}
    assert frame.start_spec(nv).title == "Rapportera"


def test_others_keep_oversikt_as_start():
    admin = auth.User("a", "A", "admin")
    assert {"Rapportera", "Trygghetsvandringar", "Översikt"} <= visible(admin)
    assert "Rapportera" not in visible(auth.User("m", "M", "mote"))
    assert "Trygghetsvandringar" in visible(auth.User("m", "M", "mote"))
    for user in (admin, auth.User("m", "M", "mote"), None):
        assert frame.start_spec(user).title == "Översikt"
