"""A users file with a reporter for the Rapportera AppTests (and the browser tests)."""
from __future__ import annotations

from pathlib import Path

from est_data.core.auth import hash_password

PASSWORD = "hemligt-losen"
#: username -> (role, actor)
REPORT_USERS = {"nv": ("rapportor", "nattvandrarna"), "vakt": ("rapportor", "ostersundshem"),
                "admin": ("admin", None), "anna": ("analytiker", None), "mote": ("mote", None)}


def write_users(path: Path) -> Path:
    h = hash_password(PASSWORD, salt=b"t" * 16)
    path.write_text("".join(
        f'[auth.users.{u}]\nname = "{u.title()}"\nrole = "{role}"\npassword_hash = "{h}"\n'
        + (f'actor = "{actor}"\n' if actor else "") + "\n"
        for u, (role, actor) in REPORT_USERS.items()), encoding="utf-8")
    return path


def sign_in(at, username: str):
    """Fill in and send the sign-in form of an app that has run once."""
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(PASSWORD)
    return at.button[0].click().run()
