"""Sign-in and roles: who is using the app and what their role lets them see.

A sign-in lasts beyond the session through the session cookie
(``est_data.webui.session_cookie``). Failed sign-ins are counted per user name and per
client address across every session of the server (``est_data.core.throttle``); a lock
refuses even the right password until it ends, and each lock is written to the audit
log, where an administrator sees it (Data → Ändringslogg).
"""
from __future__ import annotations

import os
import time
import tomllib

import streamlit as st

from est_data.core import auth, throttle
from est_data.store import audit
from est_data.webui import frame, session_cookie

# Process-wide, like the sessions they guard: every browser session runs in this process.
THROTTLE = throttle.SignInThrottle()
LOCKOUT_LOG = audit.SpacedWriter(min_interval_s=30)
LOCKOUT_ACTION = "signin.lockout"
WRONG_SV = "Fel användarnamn eller lösenord."
LOCKED_SV = ("För många misslyckade inloggningar. Inloggningen är spärrad en stund; försök "
             "igen om {wait}.")


def _secrets() -> dict:
    """User configuration: ``$EST_USERS_FILE`` (a TOML file) or ``.streamlit/secrets.toml``."""
    path = os.environ.get("EST_USERS_FILE")
    if path:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: Streamlit raises its own not-found error
        return {}


def configured_users() -> dict[str, auth.UserRecord]:
    return auth.load_users(_secrets())


def current_user() -> auth.User | None:
    """The signed-in user; the open local user when no users are configured."""
    if not configured_users():
        return auth.OPEN_USER
    return st.session_state.get("_user")


def _client() -> str | None:
    """The client address failures are counted under (see ``throttle.client_key``)."""
    return throttle.client_key(st.context.ip_address,
                               st.context.headers.to_dict().get("X-Forwarded-For"))


def _record_lockouts(locks: list[throttle.Lockout], username: str, client: str | None) -> None:
    for lock in locks:
        wait = throttle.wait_text_sv(lock.seconds)
        if lock.kind == "user":
            details = (f"Användarnamnet {lock.key} spärrat i {wait} efter för många "
                       f"misslyckade inloggningar (senast från {client or 'okänd adress'}).")
        else:
            details = (f"Adressen {lock.key} spärrad i {wait} efter för många misslyckade "
                       f"inloggningar (senast som {username[:throttle.MAX_KEY_CHARS] or '–'}).")
        LOCKOUT_LOG.add(lock.key if lock.kind == "user" else "-", LOCKOUT_ACTION, details)


def _check_password(users: dict[str, auth.UserRecord], username: str, password: str
                    ) -> auth.User | None:
    """The user for a right password, unless their name or address is locked; shows why
    not. Every failure counts, in every session."""
    client = _client()
    wait = THROTTLE.wait_s(username, client)
    if wait > 0:
        st.error(LOCKED_SV.format(wait=throttle.wait_text_sv(wait)))
        return None
    user = auth.authenticate(users, username, password)
    if user is not None:
        THROTTLE.success(username)
        return user
    locks = THROTTLE.failure(username, client)
    _record_lockouts(locks, username, client)
    time.sleep(0.5)  # slows guessing within one session
    wait = THROTTLE.wait_s(username, client)
    st.error(LOCKED_SV.format(wait=throttle.wait_text_sv(wait)) if wait > 0 else WRONG_SV)
    return None


def _login_form(users: dict[str, auth.UserRecord]) -> None:
    """The sign-in form, in place of the page the link asked for; a right password signs
    in and reruns that page (its address and parameters are kept)."""
    st.title("EST Lägesbild")
    with st.form("login"):
        st.subheader("Logga in")
        username = st.text_input("Användarnamn", key="login_user")
        password = st.text_input("Lösenord", type="password", key="login_password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if submitted:
        user = _check_password(users, username, password)
        if user is not None:
            st.session_state["_user"] = user
            st.session_state["_token"] = session_cookie.issue(users[user.username])
            st.session_state.pop("_signed_out", None)
            st.rerun()


def _sign_out() -> None:
    session_cookie.revoke(st.session_state.get("_token"))
    for key in ("_user", "_token"):
        st.session_state.pop(key, None)
    st.session_state["_signed_out"] = True  # the cookie sent at the start is not used again


def _signed_in_sidebar(user: auth.User) -> None:
    """Who is signed in, and the way out."""
    st.sidebar.caption(f"Inloggad: **{user.name}** ({user.role_label})")
    if st.sidebar.button("Logga ut", key="logout"):
        _sign_out()
        st.rerun()


def _session_user(users: dict[str, auth.UserRecord]) -> auth.User | None:
    """The user this session is signed in as: from its own sign-in while its token holds
    (a token signed out in another tab, or a changed password, ends it), else from the
    browser's session cookie."""
    state = st.session_state
    if "_user" in state:
        token = state.get("_token")
        if token is None:  # signed in without a cookie (no key file could be kept)
            record = users.get(state["_user"].username)
            return record.user if record else None
        found = session_cookie.check(token, users)
        if found is None:
            _sign_out()
            return None
        if token != session_cookie.from_browser():
            session_cookie.give(token)
        state["_user"] = found[0]  # the role as configured now
        return found[0]
    if state.get("_signed_out"):
        return None
    token = session_cookie.from_browser()
    found = session_cookie.check(token, users)
    if found is None:
        return None
    state["_user"], state["_token"] = found[0], token
    return found[0]


def sign_in() -> auth.User | None:
    """The signed-in user; while signed out, the sign-in form and None."""
    try:
        users = configured_users()
    except (auth.AuthConfigError, OSError, tomllib.TOMLDecodeError) as exc:
        st.error(f"**Inloggningen är felaktigt konfigurerad.** {exc}")
        return None
    if not users:
        st.sidebar.info("Öppet läge: ingen inloggning är konfigurerad. Använd bara så här "
                        "med demodata på den egna datorn.", icon=":material/lock_open:")
        return auth.OPEN_USER
    user = _session_user(users)
    if user is not None:
        _signed_in_sidebar(user)
        return user
    if st.session_state.get("_signed_out") or session_cookie.from_browser():
        session_cookie.take_back()
    _login_form(users)
    return None


def require(capability: str) -> auth.User:
    """The page's first call: stop with a Swedish message unless the user has
    ``capability``.

    Every page calls it first, so it is also where a page run outside the app frame
    (no sign-in, no navigation) is sent back through it: ``frame.enter_from_page``.
    """
    frame.enter_from_page()
    return user_with(capability)


def user_with(capability: str) -> auth.User:
    """The current user; stops the run with a Swedish message unless they are signed
    in and have ``capability``."""
    user = current_user()
    if user is None:
        st.warning("Logga in för att se den här sidan.")
        st.stop()
    if not user.can(capability):
        st.warning(f"Din roll ({user.role_label}) ger inte tillgång till den här sidan.")
        st.stop()
    return user
