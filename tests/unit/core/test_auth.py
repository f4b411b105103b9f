import pytest

from est_data.core import auth
from est_data.core.auth import (
    AuthConfigError, authenticate, hash_password, load_users, verify_password)

HASH = hash_password("rätt lösen", salt=b"s" * 16)


def secrets(**users):
    return {"auth": {"users": users}}


def test_hash_and_verify():
    assert HASH.startswith("scrypt$16384$8$1$")
    assert verify_password("rätt lösen", HASH)
    assert not verify_password("fel", HASH)
    assert hash_password("x") != hash_password("x")  # salted


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$x$y$z$a$b", "md5$1$2$3$4$5", "scrypt$1$1$1$!!$!!"])
def test_junk_hashes_never_verify(stored):
    assert verify_password("anything", stored) is False


def test_roles_and_permissions():
    users = load_users(secrets(Anna={"role": "analytiker", "password_hash": HASH, "name": "Anna A"},
                               mote={"role": "mote", "password_hash": HASH}))
    anna = authenticate(users, " anna ", "rätt lösen")
    assert anna.name == "Anna A" and anna.role_label == "Analytiker"
    assert anna.can(auth.VIEW_INCIDENTS) and not anna.can(auth.WRITE)
    m = authenticate(users, "mote", "rätt lösen")
    assert m.can(auth.VIEW_AGGREGATES) and not m.can(auth.VIEW_INCIDENTS)
    assert not m.can(auth.VIEW_DESCRIPTIONS)
    assert authenticate(users, "anna", "fel") is None
    assert authenticate(users, "okänd", "rätt lösen") is None
    assert auth.OPEN_USER.can(auth.WRITE)


def test_no_configuration_means_open():
    assert load_users(None) == {} and load_users({}) == {} and load_users({"auth": {}}) == {}


@pytest.mark.parametrize("entry, message", [
    ({"role": "chef", "password_hash": HASH}, "role"),
    ({"role": "admin", "password_hash": "hunter2"}, "hash-password"),
    ("admin", "table"),
])
def test_bad_configuration_is_named(entry, message):
    with pytest.raises(AuthConfigError, match=message):
        load_users(secrets(x=entry))
