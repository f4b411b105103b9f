"""Files on their way into an import, and leftovers that must not outlive a day.

The import reads a file by its path, so the Data page writes an upload to disk. An
actor's export holds personal data as the actor wrote it (masking happens on import),
so the file goes to ``uploads/`` beside the database (:func:`est_data.core.config.upload_dir`),
never to a shared temporary folder; the folder is the server user's alone (0700, files
0600). The page removes the file as soon as its import is done; a file whose import never
came (a preview left behind) is removed after :data:`MAX_AGE_S` by the next upload and by
``python -m est_data retention`` (:mod:`est_data.store.retention`), which uses
:func:`stale` and :func:`remove` for every other leftover copy too.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path
from typing import Iterable

MAX_AGE_S = 24 * 3600  # an upload, or a temporary copy left by a crashed run, lives a day


def keep(folder: Path, name: str, data: bytes, now: float | None = None) -> Path:
    """Store an upload under a name made of its hash (same file, same path), readable by
    the owner only. Uploads older than a day are removed first."""
    folder = Path(folder)
    sweep(folder, now)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)              # a folder made earlier with the default mode too
    suffix = Path(name).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""
    path = folder / (hashlib.sha256(data).hexdigest()[:32] + suffix)
    if path.exists():
        os.utime(path)               # in use again: a day from now
        return path
    part = folder / f".{path.name}.{os.getpid()}.part"
    part.unlink(missing_ok=True)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(part, path)
    return path


def discard(folder: Path, path: Path) -> bool:
    """Remove an upload whose import is done. Only a file directly in ``folder`` is
    removed (a path from elsewhere, e.g. a file imported from the command line, is not)."""
    path = Path(path)
    if path.resolve().parent != Path(folder).resolve():
        return False
    path.unlink(missing_ok=True)
    return True


def stale(paths: Iterable[Path], now: float | None = None,
          max_age_s: float = MAX_AGE_S) -> list[Path]:
    """The paths last changed more than ``max_age_s`` seconds ago, sorted."""
    now = time.time() if now is None else now
    out = []
    for path in paths:
        try:
            if now - path.lstat().st_mtime > max_age_s:
                out.append(path)
        except FileNotFoundError:
            continue
    return sorted(out)


def in_folder(folder: Path) -> list[Path]:
    """The entries of ``folder`` (none when it does not exist)."""
    return list(folder.iterdir()) if folder.is_dir() else []


def remove(paths: Iterable[Path]) -> None:
    """Delete files and folders (a folder with its content); missing ones are skipped."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def sweep(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the uploads in ``folder`` older than a day; returns what went."""
    old = stale(in_folder(Path(folder)), now)
    remove(old)
    return old
