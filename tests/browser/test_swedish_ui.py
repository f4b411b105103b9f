"""What only a browser shows of the UI's language: Streamlit's own English widget texts
that the app replaces with Swedish ones."""
from __future__ import annotations

from playwright.sync_api import expect


def test_file_uploader_speaks_swedish(page, app_url):
    """Streamlit's dropzone says "Upload" and "200MB per file"; ours shows Swedish words
    (drawn by the stylesheet, so only a browser can tell)."""
    page.goto(app_url)
    page.get_by_role("heading", name="Översikt").wait_for()
    page.get_by_role("link", name="Data", exact=True).click()
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for()
    shown = zone.evaluate("""z => {
        const after = e => getComputedStyle(e, '::after').content;
        const size = e => parseFloat(getComputedStyle(e).fontSize);
        const p = z.querySelector('button [data-testid="stMarkdownContainer"] p');
        const s = z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
        return {button: after(p), hint: after(s), english: size(p) + size(s)}; }""")
    assert shown == {"button": '"Välj fil"', "hint": '"eller dra och släpp filen här"', "english": 0}


def test_no_english_typing_hint(page, app_url):
    """Typing in a text field makes Streamlit show "Press Enter to apply"; it is hidden."""
    page.goto(app_url)
    page.get_by_role("heading", name="Översikt").wait_for()
    page.get_by_text("Möten (", exact=False).click()
    field = page.get_by_label("Rubrik")
    field.fill("Extramöte")
    hint = page.locator('[data-testid="InputInstructions"]')
    hint.first.wait_for(state="attached")
    # Retried: on a loaded machine the hint can be drawn a moment before the stylesheet
    # that hides it; without the stylesheet it stays until Enter, and this fails.
    expect(hint.first).to_be_hidden(timeout=5000)
