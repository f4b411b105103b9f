"""The reporter role: tied to one actor, and able to do nothing but report."""
from __future__ import annotations

import pytest

from est_data.core import auth

H = auth.hash_password("x", salt=b"s" * 16)


def users(**entry):
    return auth.load_users({"auth": {"users": {"nv": {"role": "rapportor", "password_hash": H,
                                                      **entry}}}})


def test_reporter_has_an_actor_and_only_the_report_capability():
    user = users(actor="nattvandrarna")["nv"].user
    assert user.actor == "nattvandrarna" and user.role_label == "Rapportör"
    assert auth.PERMISSIONS["rapportor"] == {auth.REPORT}
    for capability in (auth.VIEW_AGGREGATES, auth.VIEW_INCIDENTS, auth.VIEW_DESCRIPTIONS,
                       auth.EVALUATE, auth.WRITE):
        assert not user.can(capability)
    assert auth.User("a", "A", "admin").can(auth.REPORT)
    assert not auth.User("a", "A", "analytiker").can(auth.REPORT)
    assert not auth.User("a", "A", "mote").can(auth.REPORT)


@pytest.mark.parametrize("entry, message", [
    ({}, "actor is required"),
    ({"actor": "Natt Vandrarna"}, "must be an actor key"),
    ({"actor": 7}, "must be an actor key"),
])
def test_a_reporter_without_a_proper_actor_is_a_configuration_error(entry, message):
    with pytest.raises(auth.AuthConfigError, match=message):
        users(**entry)


def test_other_roles_may_name_an_actor_but_need_none():
    found = auth.load_users({"auth": {"users": {"a": {"role": "admin", "password_hash": H}}}})
    assert found["a"].user.actor is None
