"""The app frame's parts: the pages in their sections, running a page inside the frame,
and what a user sees when a page fails unexpectedly.

``app.py`` signs the user in and calls ``st.navigation(navigation_pages(user))`` and
``run_page``. Every page asks ``enter_from_page`` (through ``signin.require``) whether it
runs inside that frame: Streamlit treats a ``pages/`` folder next to ``app.py`` as the
legacy multipage layout until the first ``st.navigation`` call in the process, so on a
fresh server (and in every AppTest run) a direct link such as ``/karta`` runs the page alone, with no
sign-in and no navigation. Nothing here runs at import time.
"""
from __future__ import annotations

import logging
import secrets
import runpy
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st

from est_data.core import auth
from est_data.core.config import REPO_ROOT
from est_data.core.errors import UserError

_LOG = logging.getLogger(__name__)
APP_SCRIPT = REPO_ROOT / "app.py"  # the frame (the script `streamlit run` starts)

UNEXPECTED_SV = ("**Något gick fel när sidan skulle visas.** Felet är sparat i serverns logg "
                 "(referens {ref}). Försök igen om en stund; om felet kvarstår, kontakta den "
                 "som sköter appen och ange referensen.")


@dataclass(frozen=True)
class PageSpec:
    """One page of the app and the capability a user needs to see it."""

    script: str
    title: str
    icon: str
    url_path: str
    needs: str
    default: bool = False

    def page(self) -> st.Page:
        return st.Page(self.script, title=self.title, icon=self.icon, url_path=self.url_path,
                       default=self.default)


# The navigation's sections (see est_data/core/auth.py for the capabilities).
SECTIONS: dict[str, tuple[PageSpec, ...]] = {
    "Läget": (
        PageSpec("pages/oversikt.py", "Översikt", ":material/dashboard:", "oversikt",
                 auth.VIEW_AGGREGATES, default=True),
        PageSpec("pages/karta.py", "Karta", ":material/map:", "karta", auth.VIEW_AGGREGATES),
    ),
    "Analys": (
        PageSpec("pages/trender.py", "Trender", ":material/trending_up:", "trender",
                 auth.VIEW_AGGREGATES),
        PageSpec("pages/insatser.py", "Insatser", ":material/construction:", "insatser",
                 auth.VIEW_AGGREGATES),
        PageSpec("pages/fore_efter.py", "Före/efter", ":material/compare_arrows:", "fore_efter",
                 auth.VIEW_AGGREGATES),
    ),
    "Admin": (
        PageSpec("pages/data.py", "Data", ":material/upload_file:", "data", auth.WRITE),
        PageSpec("pages/omraden.py", "Områden", ":material/polyline:", "omraden", auth.WRITE),
    ),
}


def navigation_pages(user: auth.User | None) -> dict[str, list[st.Page]]:
    """The pages ``user`` may see, by section (a section left empty is left out);
    every page when ``user`` is None."""
    sections = {}
    for section, specs in SECTIONS.items():
        pages = [spec.page() for spec in specs if user is None or user.can(spec.needs)]
        if pages:
            sections[section] = pages
    return sections


# True while app.py runs a page (set per script thread, so sessions never share it).
_IN_FRAME: ContextVar[bool] = ContextVar("est_in_frame", default=False)


def run_page(page: st.Page) -> None:
    """Run the page chosen by ``st.navigation`` inside the frame.

    An expected failure (``UserError``) shows its Swedish text; anything else is a bug:
    it is logged with its traceback under a short reference, and the user sees only a
    Swedish message with that reference, never a traceback or a server path. Streamlit's
    own ``st.stop``/``st.rerun`` are not ``Exception``s and pass through.
    """
    token = _IN_FRAME.set(True)
    try:
        page.run()
    except UserError as exc:
        st.error(exc.sv)
    except Exception:
        ref = secrets.token_hex(3)
        _LOG.exception("page %r failed (reference %s)", page.url_path, ref)
        st.error(UNEXPECTED_SV.format(ref=ref))
    finally:
        _IN_FRAME.reset(token)


def enter_from_page() -> None:
    """Run a page that was started outside the frame through ``app.py``; inside it, nothing.

    Outside the frame (the legacy ``pages/`` mode: a fresh server's first runs, and every
    AppTest run, which resets that mode) the frame script runs here, in the same run, so
    widget events are kept: it signs in, calls ``st.navigation`` (which Streamlit
    documents as switching every session to the ``st.navigation`` structure) and runs
    the requested page inside the frame; then this outer run of the page stops.
    """
    if _IN_FRAME.get():
        return
    runpy.run_path(str(APP_SCRIPT), run_name="__main__")
    st.stop()
