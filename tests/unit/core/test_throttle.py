"""est_data.core.throttle: failed sign-ins lock a user name and a client address."""
from __future__ import annotations

import pytest

from est_data.core import throttle
from est_data.core.throttle import Rule, SignInThrottle


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def make(user=Rule(3, 60, 300), client=Rule(5, 60, 600)):
    clock = Clock()
    return SignInThrottle(user, client, clock), clock


def test_user_is_locked_after_its_failures_and_the_lock_ends():
    t, clock = make()
    assert t.failure("anna", "1.2.3.4") == []
    assert t.failure("Anna ", "1.2.3.5") == []          # same name, other case and address
    started = t.failure("ANNA", "1.2.3.6")
    assert [(s.kind, s.key, s.seconds) for s in started] == [("user", "anna", 300)]
    assert t.wait_s("anna", "9.9.9.9") == pytest.approx(300)
    assert t.wait_s("bertil", "9.9.9.9") == 0
    clock.t += 299
    assert t.wait_s("anna", None) == pytest.approx(1)
    clock.t += 1
    assert t.wait_s("anna", None) == 0


def test_one_client_guessing_many_names_is_locked():
    t, _ = make()
    for i in range(4):
        assert t.failure(f"user{i}", "6.6.6.6") == []
    started = t.failure("user4", "6.6.6.6")
    assert [(s.kind, s.key) for s in started] == [("client", "6.6.6.6")]
    assert t.wait_s("someone_else", "6.6.6.6") == pytest.approx(600)
    assert t.wait_s("someone_else", "7.7.7.7") == 0


def test_failures_outside_the_window_do_not_count():
    t, clock = make()
    t.failure("anna", None)
    t.failure("anna", None)
    clock.t += 61
    assert t.failure("anna", None) == []
    assert t.wait_s("anna", None) == 0


def test_success_clears_failures_but_not_a_lock():
    t, _ = make()
    t.failure("anna", None)
    t.failure("anna", None)
    t.success("anna")
    assert t.failure("anna", None) == []     # counting starts again
    t.failure("anna", None)
    assert t.failure("anna", None)          # third failure since success locks
    t.success("anna")
    assert t.wait_s("anna", None) > 0        # a lock in force stays


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(throttle, "MAX_KEYS", 50)
    t, _ = make()
    for i in range(500):
        t.failure(f"u{i}", None)
    assert len(t._keys) <= 50


def test_default_rules_stop_fast_guessing():
    # ~8 guesses a second (what an unthrottled attacker managed) are locked within a second.
    clock = Clock()
    t = SignInThrottle(clock=clock)
    locked_after = None
    for i in range(100):
        if t.wait_s("admin", "1.1.1.1") > 0:
            locked_after = i
            break
        t.failure("admin", "1.1.1.1")
        clock.t += 0.125
    assert locked_after == throttle.PER_USER.max_failures


@pytest.mark.parametrize("ip, forwarded, expected", [
    ("203.0.113.7", None, "203.0.113.7"),               # a direct client
    ("203.0.113.7", "198.51.100.1", "203.0.113.7"),     # a client's own header is not believed
    (None, "198.51.100.1, 192.0.2.9", "192.0.2.9"),     # behind a local proxy: the hop it saw
    (None, " , ", None),
    (None, None, None),                                  # local, no proxy: user names only
    (object(), None, None),                              # not an address (AppTest's stand-in)
])
def test_client_key(ip, forwarded, expected):
    assert throttle.client_key(ip, forwarded) == expected


def test_wait_text_in_swedish():
    assert throttle.wait_text_sv(15 * 60) == "15 minuter"
    assert throttle.wait_text_sv(61) == "2 minuter"
    assert throttle.wait_text_sv(60) == "1 minut"
    assert throttle.wait_text_sv(12.5) == "13 sekunder"
    assert throttle.wait_text_sv(0.2) == "1 sekund"


def test_long_names_are_kept_short():
    t, _ = make()
    t.failure("x" * 1_000_000, "1.2.3.4" * 1000)
    assert all(len(key) <= throttle.MAX_KEY_CHARS for _, key in t._keys)
    assert t.failure("x" * 1_000_000, None) == []
    assert [s.kind for s in t.failure("x" * 2_000_000, None)] == ["user"]  # the same name
