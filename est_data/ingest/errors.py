"""The one exception an import raises for input it cannot use."""
from __future__ import annotations


class IngestError(ValueError):
    """A file cannot be imported as it is.

    ``str(exc)`` is the English message for the command line; ``exc.sv`` the Swedish
    message for the app. Both name the problem and what to do about it.
    """

    def __init__(self, message: str, sv: str | None = None):
        super().__init__(message)
        self.sv = sv or message
