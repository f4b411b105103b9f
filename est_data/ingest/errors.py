"""The one exception an import raises for input it cannot use."""
from __future__ import annotations

from est_data.core.errors import UserError


class IngestError(UserError, ValueError):
    """A file cannot be imported as it is.

    ``str(exc)`` is the English message for the command line; ``exc.sv`` the Swedish
    message for the app. Both name the problem and what to do about it. It stays a
    ``ValueError`` too, for callers that caught it as one before.
    """
