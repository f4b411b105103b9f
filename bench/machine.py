"""What the benchmark ran on: cores, memory, CPU model, load, versions, commit."""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def missing_db(db: Path) -> bool:
    """True (and says how to build it, on stderr) when the benchmark database is missing."""
    if db.exists():
        return False
    print(f"error: {db} does not exist; build it with "
          f"'python -m est_data demo --db {db} --incidents 1000000'", file=sys.stderr)
    return True


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 ** 2
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO_ROOT, capture_output=True, text=True).stdout.strip()
        return out + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load() -> float:
    """The one-minute load average (other work on the machine slows wall-clock times)."""
    return round(os.getloadavg()[0], 2)


def describe() -> dict:
    versions = {}
    for pkg in ("streamlit", "duckdb", "pandas", "pyarrow", "folium", "streamlit-folium"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "-"
    mem = _meminfo_gib()
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "ram_gib": round(mem, 1) if mem else None,
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "commit": _commit(),
    }
