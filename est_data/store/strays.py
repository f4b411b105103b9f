"""Copies of the database left behind by writers that were killed.

Every writer works on a full copy beside the database (``est.duckdb.tmp<pid>``, and from
earlier versions ``est.duckdb.rebuild<pid>``; retention's ``est.duckdb.compact<pid>``; the
demo build's ``est.duckdb.<random>.tmp``) and renames it over the original when it is
done. A writer killed halfway (SIGKILL, a power cut, an out-of-memory kill) leaves its
copy there, as large as the database.

:func:`sweep` removes the stale ones; :func:`est_data.store.db.write_session` calls it
under the writer lock, so the next write cleans up. A copy is stale when the process
that wrote it is gone, or when it is older than any plausible write (a pid can be
reused). A live writer's copy is never removed. ``info`` lists them
(:func:`stray_copies`).
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

STALE_AFTER_S = 12 * 3600  # no write, not even a rebuild of millions of rows, runs this long


@dataclass(frozen=True)
class StrayCopy:
    path: Path          # the copy; its write-ahead log (``.wal``) belongs to it
    size: int           # bytes, the log included
    pid: int | None     # the writer's process, when the name tells
    stale: bool         # safe to remove: the writer is gone or it is implausibly old

    @property
    def files(self) -> tuple[Path, ...]:
        wal = self.path.with_name(self.path.name + ".wal")
        return (self.path, wal) if wal.exists() else (self.path,)


def _pattern(db: Path) -> re.Pattern:
    name = re.escape(db.name)
    return re.compile(rf"{name}\.(?:(?:tmp|rebuild|compact)(?P<pid>\d+)|[A-Za-z0-9_]{{8}}\.tmp)")


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def stray_copies(db: Path | str, now: float | None = None) -> list[StrayCopy]:
    """The writers' copies beside ``db``, each marked stale or not."""
    db = Path(db)
    now = time.time() if now is None else now
    pattern = _pattern(db)
    found = []
    try:
        candidates = list(db.parent.iterdir())
    except OSError:
        return []
    for path in candidates:
        match = pattern.fullmatch(path.name)
        if not match:
            continue
        files = [p for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
        try:
            stats = [p.stat() for p in files]
        except OSError:
            continue  # removed meanwhile
        pid = int(match["pid"]) if match["pid"] else None
        newest = max(s.st_mtime for s in stats)
        stale = (pid is not None and pid != os.getpid() and not process_alive(pid)) \
            or now - newest > STALE_AFTER_S
        found.append(StrayCopy(path, sum(s.st_size for s in stats), pid, stale))
    return sorted(found, key=lambda c: c.path.name)


def sweep(db: Path | str) -> list[StrayCopy]:
    """Remove the stale copies beside ``db`` (call it holding the writer lock)."""
    removed = []
    for copy in stray_copies(db):
        if not copy.stale:
            continue
        try:
            for path in copy.files:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # a read-only folder: the write that follows will say so
        removed.append(copy)
    return removed


def describe(copies: list[StrayCopy]) -> list[str]:
    """Lines for ``info``: how many copies, how large, and what happens to them."""
    if not copies:
        return []
    stale = [c for c in copies if c.stale]
    total = sum(c.size for c in copies) / 1e6
    what = ("1 copy left by an interrupted write" if len(copies) == 1
            else f"{len(copies)} copies left by interrupted writes")
    lines = [f"{what} beside the database, {total:.1f} MB:"]
    lines += [f"  {c.path.name:<34}{c.size / 1e6:>10.1f} MB  "
              + ("stale" if c.stale else "a writer is still running") for c in copies]
    if stale:
        which = "it is" if len(copies) == 1 else f"the {len(stale)} stale ones are"
        lines.append(f"  {which} removed by the next write (an import, undo or edit)")
    return lines
