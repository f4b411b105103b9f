"""Sign-in and roles: who is using the app and what their role lets them see."""
from __future__ import annotations

import os
import time
import tomllib

import streamlit as st

from est_data.core import auth
from est_data.webui import frame


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


def _signed_in_sidebar(user: auth.User) -> None:
    """Who is signed in, and the way out."""
    st.sidebar.caption(f"Inloggad: **{user.name}** ({user.role_label})")
    if st.sidebar.button("Logga ut", key="logout"):
        del st.session_state["_user"]
        st.rerun()


def _login_form(users: dict[str, auth.UserRecord]) -> None:
    """The sign-in form; a correct password stores the user and reruns."""
    st.title("EST Lägesbild")
    with st.form("login"):
        st.subheader("Logga in")
        username = st.text_input("Användarnamn", key="login_user")
        password = st.text_input("Lösenord", type="password", key="login_password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if submitted:
        user = auth.authenticate(users, username, password)
        if user is None:
            time.sleep(0.5)  # slows guessing
            st.error("Fel användarnamn eller lösenord.")
        else:
            st.session_state["_user"] = user
            st.rerun()


def sign_in() -> auth.User | None:
    """Show the sign-in form until a configured user signs in; None while signed out."""
    try:
        users = configured_users()
    except (auth.AuthConfigError, OSError, tomllib.TOMLDecodeError) as exc:
        st.error(f"**Inloggningen är felaktigt konfigurerad.** {exc}")
        return None
    if not users:
        st.sidebar.info("Öppet läge: ingen inloggning är konfigurerad. Använd bara så här "
                        "med demodata på den egna datorn.", icon=":material/lock_open:")
        return auth.OPEN_USER
    user = st.session_state.get("_user")
    if user is not None:
        _signed_in_sidebar(user)
        return user
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

