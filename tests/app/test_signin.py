"""Sign-in and roles in the app (AppTest). Browser checks per role live in tests/browser."""
from __future__ import annotations

import json

import pytest

PASSWORD = "hemligt-losen"  # the users file's (tests/app/conftest.py)


def test_signed_out_sees_only_the_form(app_db, users_file, app_test):
    at = app_test()
    assert not at.exception
    assert [t.value for t in at.title] == ["EST Lägesbild", "EST Lägesbild"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0


def test_wrong_password_is_refused(app_db, app_test):
    at = app_test(role="analytiker", password="fel-lösen")
    assert any("Fel användarnamn eller lösenord" in e.value for e in at.error)
    assert len(at.metric) == 0


@pytest.mark.parametrize("role, label", [("mote", "Möte"), ("analytiker", "Analytiker"),
                                         ("admin", "Administratör")])
def test_each_role_signs_in(app_db, app_test, role, label):
    at = app_test(role=role)
    assert not at.exception
    # The meeting role's start page is Mötesläge (issue 15); the others' Översikt.
    assert at.title[0].value == ("Lägesbild 2026-11-15" if role == "mote" else "Översikt")
    assert any(f"({label})" in c.value for c in at.sidebar.caption)


def test_open_mode_says_so(app_db, app_test, monkeypatch):
    monkeypatch.delenv("EST_USERS_FILE", raising=False)
    at = app_test()
    assert any("Öppet läge" in i.value for i in at.sidebar.info)


def test_broken_user_configuration_is_explained(tmp_path, monkeypatch, app_db, app_test):
    path = tmp_path / "users.toml"
    path.write_text('[auth.users.x]\nrole = "chef"\npassword_hash = "scrypt$1"\n', encoding="utf-8")
    monkeypatch.setenv("EST_USERS_FILE", str(path))
    at = app_test()
    assert not at.exception
    assert any("felaktigt konfigurerad" in e.value for e in at.error)


def test_meeting_role_sees_no_single_incidents(app_db, app_test):
    at = app_test("karta", role="mote")
    assert not at.exception
    pills = at.get("button_group")[0] if at.get("button_group") else None
    layer_options = [o for o in str(pills.proto).split("\n") if "content" in o] if pills else []
    assert layer_options and not any("Enskilda händelser" in o for o in layer_options)
    at.switch_page("pages/trender.py").run()
    assert not at.exception
    assert [t.label for t in at.tabs][-1] == "Antal för delning"
    at.session_state["trend_tab"] = "Antal för delning"
    at.run()
    assert not at.exception
    assert [list(df.value.columns) for df in at.dataframe] == [["Område", "Kategori", "Antal"]]


def test_meeting_role_cannot_turn_on_single_incidents_by_link(app_db, app_test):
    at = app_test("karta", role="mote", lager=["Täthet", "Enskilda händelser"])
    assert not at.exception
    assert at.pills(key="lager").value == ["heat"]
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert "L.heatLayer(" in script and "L.markerClusterGroup(" not in script


def test_meeting_role_sees_small_area_counts_as_under_three(app_db, app_test):
    at = app_test("karta", role="mote")
    at.selectbox(key="visa").set_value("fokus_kyrkgatan").run()
    assert not at.exception
    table = at.dataframe[-1].value
    cells = set(table[["Antal", "Föregående"]].to_numpy().ravel())
    assert "<3" in cells and not cells & {"1", "2"}
    small = table[(table["Antal"] == "<3") | (table["Föregående"] == "<3")]
    assert set(small["Förändring"]) == {"–"}


def test_only_the_admin_manages_areas(app_db, app_test):
    at = app_test("omraden", role="admin")
    assert at.title[0].value == "Områden" and len(at.get("file_uploader")) == 1


def test_analyst_sees_incident_rows(app_db, app_test):
    at = app_test("trender", role="analytiker")
    assert [t.label for t in at.tabs][3:] == ["Händelser", "Nära upprepning"]
    at.switch_page("pages/karta.py").run()
    pills = at.get("button_group")[0]
    assert "Enskilda händelser" in str(pills.proto)


def test_only_writers_get_measure_forms(app_db, app_test):
    at = app_test("insatser", role="analytiker")
    assert not at.exception
    assert not any(b.label == "Spara" for b in at.button)
    labels_anna = {b.label for b in at.get("form_submit_button")} if at.get("form_submit_button") else set()
    at = app_test("insatser", role="admin")
    labels_admin = {b.proto.label for b in at.get("form_submit_button")}
    assert any(b.label == "Spara" for b in at.button)  # the label the analyst must not see
    assert labels_admin and not labels_anna


def test_meeting_view_suppresses_small_counts():
    from est_data.core import fmt

    assert [fmt.count(n, 3) for n in (0, 1, 2, 3, 40)] == ["0", "<3", "<3", "3", "40"]


# --- Throttled sign-in (issue 12, item 12) ------------------------------------------------

LOCKED = "För många misslyckade inloggningar"


@pytest.fixture
def fresh_throttle(monkeypatch):
    """A throttle of this test's own (the real one is process-wide, shared by sessions)."""
    from est_data.core.throttle import SignInThrottle
    from est_data.webui import signin

    from est_data.store.audit import SpacedWriter

    throttle = SignInThrottle()
    monkeypatch.setattr(signin, "THROTTLE", throttle, raising=False)
    monkeypatch.setattr(signin, "LOCKOUT_LOG", SpacedWriter(30), raising=False)
    return throttle


def shown_errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def sign_in_as(at, username: str, password: str = PASSWORD):
    """Send the sign-in form of a session showing it."""
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(password)
    return next(b for b in at.button if b.label == "Logga in").click().run()


def test_wrong_passwords_from_several_sessions_lock_the_user(app_db, users_file, app_test,
                                                             fresh_throttle):
    sessions = [app_test(), app_test(), app_test()]
    for at, tries in zip(sessions, (2, 2, 1)):
        for _ in range(tries):
            sign_in_as(at, "anna", "fel-lösen")
    assert LOCKED in shown_errors(sessions[-1]) and "15 minuter" in shown_errors(sessions[-1])
    # A correct password during the lock is refused, in a new session too.
    late = sign_in_as(app_test(), "anna")
    assert LOCKED in shown_errors(late) and not any(t.value == "Översikt" for t in late.title)
    # Another user is not locked.
    assert sign_in_as(app_test(), "admin").title[0].value == "Översikt"


def test_the_lockout_is_in_the_audit_log_for_the_admin(app_db, users_file, app_test,
                                                       fresh_throttle):
    at = app_test()
    for _ in range(5):
        sign_in_as(at, "Mote", "fel-lösen")
    admin = app_test("data", role="admin")
    log = next(df.value for df in admin.dataframe if "action" in df.value.columns)
    rows = log[log["action"] == "signin.lockout"]
    assert list(rows["username"]) == ["mote"]
    assert "15 minuter" in rows["details"].iloc[0]


# --- Staying signed in; links that survive the sign-in (issue 12, item 13) ----------------

@pytest.fixture
def cookie_jar(monkeypatch):
    """What the browser would send: ``jar["token"]`` is the session cookie of the next
    session (AppTest cannot send cookies, so the app's one reader is replaced)."""
    from est_data.webui import session_cookie

    jar = {"token": None}
    monkeypatch.setattr(session_cookie, "from_browser", lambda: jar["token"])
    return jar


def cookie_scripts(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "est_session" in h.proto.body)


def test_a_new_session_with_the_cookie_is_signed_in(app_db, users_file, app_test, cookie_jar):
    at = sign_in_as(app_test(), "anna")
    assert at.title[0].value == "Översikt"
    token = at.session_state["_token"]
    assert f"est_session={token}" in cookie_scripts(at) and "SameSite=Strict" in cookie_scripts(at)
    cookie_jar["token"] = token  # the reload
    again = app_test()
    assert again.title[0].value == "Översikt"
    assert any("(Analytiker)" in c.value for c in again.sidebar.caption)
    cookie_jar["token"] = token[:-2] + "xx"  # a forged signature
    assert not any(t.value == "Översikt" for t in app_test().title)


def test_a_changed_password_ends_the_cookie(app_db, users_file, app_test, cookie_jar):
    from est_data.core.auth import hash_password

    cookie_jar["token"] = sign_in_as(app_test(), "anna").session_state["_token"]
    users_file.write_text(users_file.read_text().replace(
        hash_password(PASSWORD, salt=b"t" * 16), hash_password("nytt-lösen", salt=b"n" * 16)))
    at = app_test()
    assert not any(t.value == "Översikt" for t in at.title)
    assert at.text_input(key="login_user")


def test_signing_out_revokes_the_token_and_clears_the_cookie(app_db, users_file, app_test,
                                                             cookie_jar):
    at = sign_in_as(app_test(), "anna")
    token = at.session_state["_token"]
    cookie_jar["token"] = token
    other_tab = app_test()
    at.sidebar.button(key="logout").click().run()
    assert at.text_input(key="login_user") and not any(t.value == "Översikt" for t in at.title)
    assert "est_session=;" in cookie_scripts(at) and "Max-Age=0" in cookie_scripts(at)
    assert not any(t.value == "Översikt" for t in app_test().title)  # a reload
    other_tab.run()  # the same token in another tab ends with it
    assert other_tab.text_input(key="login_user")


def test_a_link_opened_signed_out_shows_its_page_after_sign_in(app_db, users_file, app_test):
    at = app_test(kat="klotter", period="90d")
    at.switch_page("pages/karta.py").run()  # the link's page: registered, with the form
    assert not at.exception
    assert at.text_input(key="login_user") and not any(t.value == "Karta" for t in at.title)
    at = sign_in_as(at, "anna")
    assert not at.exception
    assert [t.value for t in at.title if t.value != "EST Lägesbild"] == ["Karta"]
    assert at.session_state["f_categories"] == ["klotter"]
    assert at.query_params["kat"] in ("klotter", ["klotter"])
    assert at.query_params["period"] in ("90d", ["90d"])


def test_a_page_the_role_may_not_see_says_so_in_swedish(app_db, app_test):
    at = app_test("omraden", role="analytiker")
    assert not at.exception
    assert any("ger inte tillgång" in w.value for w in at.warning)
    assert not at.get("file_uploader")
