"""Expected errors carry an English message and a Swedish one."""
from __future__ import annotations

from est_data.core.errors import DATABASE_BUSY_SV, UserError


def test_user_error_keeps_both_languages():
    err = UserError("file is empty", "Filen är tom.")
    assert (str(err), err.sv) == ("file is empty", "Filen är tom.")


def test_user_error_without_swedish_shows_the_message():
    assert UserError("x").sv == "x"


def test_the_expected_errors_of_every_room_are_user_errors():
    from est_data.evaluation.selection import EvaluationError
    from est_data.ingest import IngestError
    from est_data.measures.model import InterventionError
    from est_data.store.dbfile import DatabaseError

    assert all(issubclass(e, UserError) for e in
               (EvaluationError, IngestError, InterventionError, DatabaseError))


def test_database_busy_is_swedish():
    assert DATABASE_BUSY_SV.startswith("Databasen är upptagen")
