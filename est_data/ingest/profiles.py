"""Actor profiles: one TOML file per actor in ``profiles/`` (README §3).

A profile says how to read one actor's exports: the file (encoding, delimiter, sheet),
which column holds which field, extra date formats, the coordinate system, the actor's
own category words and the words that are not EST incidents at all. A new partner
joining EST is a new profile file, no code change. See ``profiles/README.md``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from est_data.core import config
from est_data.core.taxonomy import TaxonomyError, load_taxonomy
from est_data.ingest import coords, headers
from est_data.ingest.errors import IngestError

FORMATS = ("table", "polisen_json")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")
ACTOR_KINDS = ("bostadsbolag", "fastighetsagare", "polis", "kommun", "ideell", "annan")


class ProfileError(IngestError):
    """A profile file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Profile:
    key: str                                   # actor key = incidents.source
    name: str                                  # shown in the app
    kind: str = "annan"
    color: str | None = None
    format: str = "table"                      # "table" (CSV/XLSX) or "polisen_json"
    encoding: str | None = None                # None: detect
    delimiter: str | None = None               # None: detect
    sheet: str | None = None                   # None: first sheet
    columns: dict[str, str] = field(default_factory=dict)   # field -> column name
    date_formats: tuple[str, ...] = ()         # extra strptime formats, tried first
    crs: str = "auto"                          # "auto", "EPSG:4326", "EPSG:3006", "EPSG:3021"
    categories: dict[str, str] = field(default_factory=dict)  # own word -> taxonomy code
    skip_categories: tuple[str, ...] = ()      # words (glob patterns) that are no incidents
    municipality: str | None = None            # police feed: keep this municipality
    description: str = ""                      # a line about the export, for people
    path: Path | None = None

    @property
    def crs_kind(self) -> str | None:
        return coords.CRS_CHOICES.get(self.crs)

    def with_columns(self, columns: dict[str, str]) -> "Profile":
        return replace(self, columns={k: v for k, v in columns.items() if v})


def _str(value, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{where} must be text", f"{where} måste vara text.")
    return value


def profile_from_dict(raw: dict, path: Path | None = None) -> Profile:
    """Validate a parsed TOML document into a :class:`Profile`."""
    where = path.name if path else "profilen"
    actor = raw.get("actor", {})
    key = str(actor.get("key", path.stem if path else "")).strip()
    if not KEY_RE.match(key):
        raise ProfileError(
            f"{where}: [actor] key {key!r} must be lower-case letters, digits, _ or -",
            f"{where}: aktörens nyckel {key!r} får bara innehålla små bokstäver, siffror, _ och -.")
    file_ = raw.get("file", {})
    fmt = str(file_.get("format", "table"))
    if fmt not in FORMATS:
        raise ProfileError(f"{where}: [file] format must be one of {', '.join(FORMATS)}",
                           f"{where}: [file] format måste vara {' eller '.join(FORMATS)}.")
    columns = {str(k): _str(v, f"{where} [columns] {k}") for k, v in raw.get("columns", {}).items()
               if str(v).strip()}
    unknown = sorted(set(columns) - set(headers.FIELDS))
    if unknown:
        raise ProfileError(
            f"{where}: unknown fields in [columns]: {', '.join(unknown)}; known fields: "
            f"{', '.join(headers.FIELDS)}",
            f"{where}: okända fält under [columns]: {', '.join(unknown)}.")
    formats = raw.get("formats", {})
    crs = str(formats.get("crs", "auto"))
    if crs not in coords.CRS_CHOICES:
        raise ProfileError(f"{where}: [formats] crs must be one of {', '.join(coords.CRS_CHOICES)}",
                           f"{where}: okänt koordinatsystem {crs!r}.")
    date_formats = formats.get("date", [])
    if isinstance(date_formats, str):
        date_formats = [date_formats]
    try:
        codes = set(load_taxonomy())
    except (TaxonomyError, OSError) as exc:
        raise ProfileError(f"the taxonomy cannot be read: {exc}",
                           "Kategorifilen (taxonomy.toml) kan inte läsas.") from exc
    categories = {str(k): str(v) for k, v in raw.get("categories", {}).items()}
    bad = sorted({v for v in categories.values() if v not in codes})
    if bad:
        raise ProfileError(
            f"{where}: [categories] maps to unknown codes {', '.join(bad)}; the taxonomy has "
            f"{', '.join(sorted(codes))}",
            f"{where}: [categories] pekar på okända kategorikoder: {', '.join(bad)}.")
    skip = raw.get("skip", {}).get("categories", [])
    return Profile(
        key=key, name=str(actor.get("name", key)), kind=str(actor.get("kind", "annan")),
        color=actor.get("color"), format=fmt,
        encoding=(str(file_["encoding"]) if file_.get("encoding", "auto") != "auto" else None),
        delimiter=(str(file_["delimiter"]) if file_.get("delimiter", "auto") != "auto" else None),
        sheet=(str(file_["sheet"]) if file_.get("sheet") else None),
        columns=columns, date_formats=tuple(str(f) for f in date_formats), crs=crs,
        categories=categories, skip_categories=tuple(str(s) for s in skip),
        municipality=raw.get("police", {}).get("municipality"),
        description=str(actor.get("description", "")), path=path)


def read_profile(path: Path | str) -> Profile:
    """Read one profile file."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ProfileError(f"no such profile file: {path}",
                           f"Profilfilen finns inte: {path.name}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path.name} is not valid TOML: {exc}",
                           f"{path.name} är inte giltig TOML: {exc}") from exc
    return profile_from_dict(raw, path)


def load_profile(key_or_path: str | Path, folder: Path | None = None) -> Profile | None:
    """The profile for an actor key (``profiles/<key>.toml``) or a path; None if the
    actor has no profile."""
    candidate = Path(key_or_path)
    if candidate.suffix == ".toml" or (isinstance(key_or_path, Path) and candidate.is_file()):
        return read_profile(candidate)
    folder = Path(folder or config.PROFILES_DIR)
    path = folder / f"{key_or_path}.toml"
    if not path.exists():
        for other in list_profiles(folder).values():
            if other.key == key_or_path:
                return other
        return None
    return read_profile(path)


def list_profiles(folder: Path | None = None) -> dict[str, Profile]:
    """Every readable profile in ``folder`` (default ``profiles/``), by actor key."""
    out: dict[str, Profile] = {}
    for path in sorted(Path(folder or config.PROFILES_DIR).glob("*.toml")):
        try:
            prof = read_profile(path)
        except ProfileError:
            continue
        out[prof.key] = prof
    return out


# --- writing ---------------------------------------------------------------------------

def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = text.replace("\t", "\\t")
    return f'"{text}"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else _toml_value(key)


def to_toml(profile: Profile) -> str:
    """The profile as a TOML document (commented, as a coordinator would write it)."""
    lines = [f"# Import profile: {profile.name}",
             "# How this actor's exports are read. See profiles/README.md.", "",
             "[actor]", f"key = {_toml_value(profile.key)}", f"name = {_toml_value(profile.name)}",
             f"kind = {_toml_value(profile.kind)}"]
    if profile.color:
        lines.append(f"color = {_toml_value(profile.color)}")
    if profile.description:
        lines.append(f"description = {_toml_value(profile.description)}")
    lines += ["", "[file]", f"format = {_toml_value(profile.format)}",
              f"encoding = {_toml_value(profile.encoding or 'auto')}",
              f"delimiter = {_toml_value(profile.delimiter or 'auto')}"]
    if profile.sheet:
        lines.append(f"sheet = {_toml_value(profile.sheet)}")
    lines += ["", "# field = column name in the file", "[columns]"]
    lines += [f"{f} = {_toml_value(c)}" for f, c in profile.columns.items()]
    lines += ["", "[formats]", f"date = {_toml_value(list(profile.date_formats))}",
              f"crs = {_toml_value(profile.crs)}", "",
              "# the actor's own words -> category code in taxonomy.toml", "[categories]"]
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in profile.categories.items()]
    lines += ["", "# words that are not EST incidents: skipped and counted", "[skip]",
              f"categories = {_toml_value(list(profile.skip_categories))}"]
    if profile.municipality:
        lines += ["", "[police]", f"municipality = {_toml_value(profile.municipality)}"]
    return "\n".join(lines) + "\n"


def save_profile(profile: Profile, folder: Path | None = None) -> Path:
    """Write ``<folder>/<key>.toml`` (atomically) and return its path."""
    folder = Path(folder or config.PROFILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{profile.key}.toml"
    text = to_toml(profile)
    profile_from_dict(tomllib.loads(text), path)  # never write what cannot be read back
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
