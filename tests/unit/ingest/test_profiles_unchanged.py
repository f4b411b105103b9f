"""Every existing profile gives the same database as before issue 13 (its "Done when"):
the demo's five actors' exports and the real police feed, imported through their
profiles, digest to what the import made of them at commit fc9a1dc (before the column
scorer, the category matcher, the header-row finder and the time spans), with one
intended difference: the three rows the demo plants outside the municipality (a
Sundsvall point in the kommun, polisen and nattvandrarna exports) are now rejected
(item 8) instead of stored at municipality or area level. Row by row, every other
incident and every other rejected row is identical (checked when the digest was taken
again)."""
from __future__ import annotations

import json

from profile_digest import digest
from repo import REPO_ROOT

GOLDEN = REPO_ROOT / "tests" / "data" / "profile_digest.json"


def test_every_profile_reads_its_files_as_before(tmp_path):
    assert digest(tmp_path) == json.loads(GOLDEN.read_text(encoding="utf-8"))
