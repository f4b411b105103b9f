"""Import of the actors' own exports (issue 3): ``import_file`` is the entry point.

Modules, in the order a file passes through them: ``readers`` (format, CSV, delimiter)
with ``encoding``, ``headerrow`` (the header below titles, notes below the data),
``xlsx``, ``jsonfile``, ``limits`` and ``rawtable`` (the shape they all give), ``headers`` and ``profiles`` (which column is what), ``normalize`` with
``dates`` and ``police`` (one common shape), ``stage`` with ``coords``, ``addresses`` and
``masking`` (rows ready to write), ``dedupe`` (the same event from two actors) and
``pipeline`` (one transaction per file, undo, history) with ``rawfiles`` (the kept
originals and a note per import), ``rebuild``, ``recategorize`` (an unknown category
word given its category from the app); ``progress`` draws it on the terminal.

The names below are loaded from their module on first use (PEP 562), so importing the
package never waits for one of its modules (tests/unit/test_import_threads.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from est_data.core.lazy import exports

_HOMES = {"IngestError": "errors", "ImportReport": "report",
          "batch_report": "pipeline", "history": "pipeline", "import_file": "pipeline",
          "undo_batch": "pipeline",
          "Profile": "profiles", "ProfileError": "profiles", "list_profiles": "profiles",
          "load_profile": "profiles", "save_profile": "profiles"}
__all__ = list(_HOMES)


__getattr__ = exports(__name__, _HOMES)


if TYPE_CHECKING:
    from est_data.ingest.errors import IngestError
    from est_data.ingest.pipeline import batch_report, history, import_file, undo_batch
    from est_data.ingest.profiles import (
        Profile, ProfileError, list_profiles, load_profile, save_profile)
    from est_data.ingest.report import ImportReport
