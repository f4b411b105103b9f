"""Which URLs a rendered map page would fetch: the offline checks of the map tests.

Test helpers (the app itself never scans its pages): ``<script src>``, ``<link href>``
with an asset ``rel`` and CSS ``@import`` are assets the browser loads with the page;
``L.tileLayer(...)`` templates are tiles Leaflet fetches while panning.
"""
from __future__ import annotations

import re
from pathlib import Path

from est_data.maps.assets import STATIC_DIR, STATIC_URL_PATH

# <script ... src="..."> and <link ... href="..."> (stylesheets, preloads,
# module preloads: anything a browser would fetch), plus CSS @import.
_SCRIPT_SRC = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*([\"'])(?P<url>.*?)\1", re.IGNORECASE | re.DOTALL
)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"\bhref\s*=\s*([\"'])(?P<url>.*?)\1", re.IGNORECASE | re.DOTALL)
_REL = re.compile(r"\brel\s*=\s*([\"'])(?P<rel>.*?)\1", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(
    r"@import\s+(?:url\(\s*)?([\"']?)(?P<url>[^\"')\s;]+)\1", re.IGNORECASE
)
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_ASSET_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon"}

# Leaflet tile layers: L.tileLayer("url", ...) / L.tileLayer.wms("url", ...).
_TILE_LAYER = re.compile(
    r"L\.tileLayer(?:\.wms)?\(\s*([\"'])(?P<url>.*?)\1", re.DOTALL
)


def _asset_urls(html: str) -> list[str]:
    urls = [m.group("url").strip() for m in _SCRIPT_SRC.finditer(html)]
    for tag in _LINK_TAG.finditer(html):
        rel = _REL.search(tag.group(0))
        rels = set(rel.group("rel").lower().split()) if rel else set()
        href = _HREF.search(tag.group(0))
        if href and rels & _ASSET_RELS:
            urls.append(href.group("url").strip())
    urls += [m.group("url").strip() for m in _CSS_IMPORT.finditer(html)]
    return urls


def find_external_urls(html: str) -> list[str]:
    """List script/stylesheet URLs in a rendered map page that need internet.

    Looks at ``<script src>``, ``<link href>`` with an asset ``rel``
    (stylesheet, preload, ...) and CSS ``@import``, and keeps the URLs that
    start with ``http://``, ``https://`` or are protocol-relative (``//host``).
    Tile URL templates passed to ``L.tileLayer(...)`` are *not* included (see
    :func:`find_tile_urls`); neither are hyperlinks (``<a href>``) such as map
    attributions, which the browser never fetches on its own.

    Parameters
    ----------
    html : str
        Typically ``m.get_root().render()`` of a ``folium.Map``.

    Returns
    -------
    list of str
        Unique external URLs in order of appearance (empty when the page can
        be shown offline, tiles aside).
    """
    seen: dict[str, None] = {}
    for u in _asset_urls(html):
        if _EXTERNAL.match(u):
            seen.setdefault(u, None)
    return list(seen)


def find_local_asset_urls(html: str) -> list[str]:
    """List script/stylesheet URLs in a rendered page that are local paths."""
    seen: dict[str, None] = {}
    for u in _asset_urls(html):
        if not _EXTERNAL.match(u) and not u.lower().startswith(("data:", "blob:")):
            seen.setdefault(u, None)
    return list(seen)


def find_tile_urls(html: str) -> list[str]:
    """List the tile URL templates (``L.tileLayer(...)``) of a rendered map.

    These are fetched by Leaflet while panning, not when the page loads, and
    without internet the map background simply stays grey. Reported separately
    from :func:`find_external_urls` so a page can decide whether to use
    ``tiles=None`` offline.
    """
    seen: dict[str, None] = {}
    for m in _TILE_LAYER.finditer(html):
        seen.setdefault(m.group("url"), None)
    return list(seen)


def url_to_static_file(url: str, static_dir: Path | str = STATIC_DIR) -> Path | None:
    """Map an ``/app/static/...`` URL to the file under ``static/``.

    Returns ``None`` if the URL is not under :data:`STATIC_URL_PATH`.
    Query strings and fragments are ignored.
    """
    path = url.split("?", 1)[0].split("#", 1)[0]
    prefix = STATIC_URL_PATH + "/"
    if not path.startswith(prefix):
        return None
    return Path(static_dir) / path[len(prefix):]
