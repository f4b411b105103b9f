"""Errors a user can act on, each with a Swedish text for the app.

Every expected failure (a bad file, a busy or damaged database, a wrong choice) raises a
subclass of :class:`UserError`: the command line prints ``error: <str>`` and exits 2, the
app shows ``.sv``. Anything else is a bug and is allowed to surface as one.
"""
from __future__ import annotations

DATABASE_BUSY_SV = "Databasen är upptagen (pågår en import?). Försök igen om en stund."


class UserError(Exception):
    """An expected failure with an English message (``str``) and a Swedish one (``.sv``)."""

    def __init__(self, message: str, sv: str | None = None):
        super().__init__(message)
        self.sv = sv or message


class InputErrors(UserError, ValueError):
    """Input that cannot be stored; ``messages`` are Swedish, one per problem (a form
    shows them all at once). Still a ValueError, for callers catching that."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages), " ".join(messages))
        self.messages = list(messages)
