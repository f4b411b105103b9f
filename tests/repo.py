"""Paths the tests share (a plain module: ``conftest`` is ambiguous once several exist)."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
