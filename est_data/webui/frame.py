"""The app frame's parts: the pages in their sections, running a page inside the frame,
and what a user sees when a page fails unexpectedly.

``app.py`` signs the user in (or shows the sign-in form), calls
``st.navigation(navigation_pages(user))`` with every page registered, and ``run_page``
when someone is signed in. Every page asks ``enter_from_page`` (through
``signin.require``) whether it runs inside that frame: Streamlit treats a ``pages/``
folder next to ``app.py`` as the legacy multipage layout until the first
``st.navigation`` call in the process, so on a fresh server (and in every AppTest run) a
direct link such as ``/karta`` runs the page alone, with no sign-in and no navigation,
and ``/`` runs ``app.py`` as a page of that layout (``run_as_frame``). Nothing here runs
at import time.

``run_as_frame`` and ``_run_frame_script`` use two parts of Streamlit that are not its
public API (the run context's ``run_with_active_hash`` and ``ThreadState``); the AppTest
sign-in tests fail if a Streamlit upgrade changes them.
"""
from __future__ import annotations

import logging
import secrets
import runpy
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

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

    def page(self, visible: bool = True) -> st.Page:
        return st.Page(self.script, title=self.title, icon=self.icon, url_path=self.url_path,
                       default=self.default, visibility="visible" if visible else "hidden")


# The navigation's sections (see est_data/core/auth.py for the capabilities).
SECTIONS: dict[str, tuple[PageSpec, ...]] = {
    "Läget": (
        PageSpec("pages/oversikt.py", "Översikt", ":material/dashboard:", "oversikt",
                 auth.VIEW_AGGREGATES, default=True),
        PageSpec("pages/karta.py", "Karta", ":material/map:", "karta", auth.VIEW_AGGREGATES),
        PageSpec("pages/rapportera.py", "Rapportera", ":material/add_location_alt:",
                 "rapportera", auth.REPORT),
        PageSpec("pages/trygghetsvandringar.py", "Trygghetsvandringar", ":material/directions_walk:",
                 "trygghetsvandringar", auth.VIEW_AGGREGATES),
    ),
    "Analys": (
        PageSpec("pages/trender.py", "Trender", ":material/trending_up:", "trender",
                 auth.VIEW_AGGREGATES),
        PageSpec("pages/insatser.py", "Insatser", ":material/construction:", "insatser",
                 auth.VIEW_AGGREGATES),
        PageSpec("pages/fore_efter.py", "Före/efter", ":material/compare_arrows:", "fore_efter",
                 auth.EVALUATE),
    ),
    "Admin": (
        PageSpec("pages/data.py", "Data", ":material/upload_file:", "data", auth.WRITE),
        PageSpec("pages/omraden.py", "Områden", ":material/polyline:", "omraden", auth.WRITE),
    ),
}


def _default_spec() -> PageSpec:
    return next(spec for specs in SECTIONS.values() for spec in specs if spec.default)


def start_spec(user: auth.User | None) -> PageSpec:
    """The page ``/`` opens: the default page, or for a user who may not see it (a
    ``rapportor``) the first page they may see."""
    default = _default_spec()
    if user is None or user.can(default.needs):
        return default
    return next((spec for specs in SECTIONS.values() for spec in specs
                 if user.can(spec.needs)), default)


def navigation_pages(user: auth.User | None) -> dict[str, list[st.Page]]:
    """Every page, by section; those ``user`` may not see are hidden from the menu (a
    section with none to show is left out of it).

    Every page stays registered, so a link to any of them is never Streamlit's English
    "Page not found": signed out it shows the sign-in form in its place (and after the
    sign-in the page, with the link's parameters), and a page the role does not cover
    says so in Swedish (``signin.user_with``). A user who may not see the default page
    (a ``rapportor``) is sent from it to the first page they may see (``run_page``), so
    every page keeps its own address.
    """
    default, start = _default_spec(), start_spec(user)
    sections: dict[str, list[st.Page]] = {}
    pages: dict[PageSpec, st.Page] = {}
    for section, specs in SECTIONS.items():
        shown = [user is not None and user.can(spec.needs) for spec in specs]
        key = section if any(shown) else ""
        for spec, visible in zip(specs, shown):
            pages[spec] = spec.page(visible)
            sections.setdefault(key, []).append(pages[spec])
    # The session signed in on the default page; the user's own start page replaces it.
    _REDIRECT.set((default.title, pages[start]) if start is not default else None)
    return sections


# True while app.py runs a page (set per script thread, so sessions never share it).
_IN_FRAME: ContextVar[bool] = ContextVar("est_in_frame", default=False)
# (title of the default page, the page to show instead) for a user who may not see it.
_REDIRECT: ContextVar[tuple | None] = ContextVar("est_redirect", default=None)


def run_page(page: st.Page) -> None:
    """Run the page chosen by ``st.navigation`` inside the frame.

    An expected failure (``UserError``) shows its Swedish text; anything else is a bug:
    it is logged with its traceback under a short reference, and the user sees only a
    Swedish message with that reference, never a traceback or a server path. Streamlit's
    own ``st.stop``/``st.rerun`` are not ``Exception``s and pass through.
    """
    redirect = _REDIRECT.get()
    if redirect is not None and page.title == redirect[0]:
        st.switch_page(redirect[1])
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


def _run_frame_script() -> None:
    """Run ``app.py`` in this run with its widgets under the main script's id (the id
    Streamlit gives them in every run that starts with the frame), so a widget drawn
    now (the sign-in form) is the same widget in the next run."""
    ctx = get_script_run_ctx()
    with ctx.run_with_active_hash(ctx.pages_manager.main_script_hash):
        runpy.run_path(str(APP_SCRIPT), run_name="__main__")


def run_as_frame() -> None:
    """``app.py``'s first call: nothing, unless Streamlit runs the frame as a page.

    In the legacy ``pages/`` mode (see the module docstring) a link to ``/`` runs
    ``app.py`` as a page of that layout, under that page's id: its widgets would not be
    the same widgets in the next run, and the first sign-in of a fresh server would be
    lost. Then the frame runs again here under its own id, and this run stops.
    """
    ctx = get_script_run_ctx()
    if ctx is None or ThreadState.get().active_script_hash == ctx.pages_manager.main_script_hash:
        return
    _run_frame_script()
    st.stop()


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
    _run_frame_script()
    st.stop()
