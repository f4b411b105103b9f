"""Sign-in and roles in the app (AppTest). Browser checks per role live in tests/browser."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from repo import REPO_ROOT
from est_data.core.auth import hash_password

PASSWORD = "hemligt-losen"


@pytest.fixture
def users_file(tmp_path, monkeypatch, app_db):
    h = hash_password(PASSWORD, salt=b"t" * 16)
    text = "".join(f'[auth.users.{u}]\nname = "{u.title()}"\nrole = "{r}"\npassword_hash = "{h}"\n\n'
                   for u, r in [("mote", "mote"), ("anna", "analytiker"), ("admin", "admin")])
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("EST_USERS_FILE", str(path))
    return path


def sign_in(username, password=PASSWORD) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_signed_out_sees_only_the_form(users_file):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["EST Lägesbild", "EST Lägesbild"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0


def test_wrong_password_is_refused(users_file):
    at = sign_in("anna", "fel-lösen")
    assert any("Fel användarnamn eller lösenord" in e.value for e in at.error)
    assert len(at.metric) == 0


@pytest.mark.parametrize("username, role", [("mote", "Möte"), ("anna", "Analytiker"), ("admin", "Administratör")])
def test_each_role_signs_in(users_file, username, role):
    at = sign_in(username)
    assert not at.exception
    assert at.title[0].value == "Översikt"
    assert any(f"({role})" in c.value for c in at.sidebar.caption)


def test_open_mode_says_so(app_db, monkeypatch):
    monkeypatch.delenv("EST_USERS_FILE", raising=False)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    assert any("Öppet läge" in i.value for i in at.sidebar.info)


def test_broken_user_configuration_is_explained(tmp_path, monkeypatch, app_db):
    path = tmp_path / "users.toml"
    path.write_text('[auth.users.x]\nrole = "chef"\npassword_hash = "scrypt$1"\n', encoding="utf-8")
    monkeypatch.setenv("EST_USERS_FILE", str(path))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("felaktigt konfigurerad" in e.value for e in at.error)


def test_meeting_role_sees_no_single_incidents(users_file):
    at = sign_in("mote")
    at.switch_page("pages/karta.py").run()
    assert not at.exception
    pills = at.get("button_group")[0] if at.get("button_group") else None
    layer_options = [o for o in str(pills.proto).split("\n") if "content" in o] if pills else []
    assert layer_options and not any("Enskilda händelser" in o for o in layer_options)
    at.switch_page("pages/trender.py").run()
    assert not at.exception
    assert [t.label for t in at.tabs][-1] == "Antal för delning"
    assert not any(df.value.columns.str.contains("description").any() for df in at.dataframe)


def test_meeting_role_cannot_turn_on_single_incidents_by_link(users_file):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["lager"] = ["Täthet", "Enskilda händelser"]
    at.run()
    at.text_input(key="login_user").input("mote")
    at.text_input(key="login_password").input(PASSWORD)
    at = at.button[0].click().run().switch_page("pages/karta.py").run()
    assert not at.exception
    assert at.pills(key="lager").value == ["heat"]
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert "L.heatLayer(" in script and "L.markerClusterGroup(" not in script


def test_meeting_role_sees_small_area_counts_as_under_three(users_file):
    at = sign_in("mote").switch_page("pages/karta.py").run()
    at.selectbox(key="visa").set_value("fokus_kyrkgatan").run()
    assert not at.exception
    table = at.dataframe[-1].value
    cells = set(table[["Antal", "Föregående"]].to_numpy().ravel())
    assert "<3" in cells and not cells & {"1", "2"}
    small = table[(table["Antal"] == "<3") | (table["Föregående"] == "<3")]
    assert set(small["Förändring"]) == {"–"}


def test_only_the_admin_manages_areas(users_file):
    # The page is not even registered for an analyst (the navigation leaves it out).
    with pytest.raises(ValueError, match="omraden.py"):
        sign_in("anna").switch_page("pages/omraden.py")
    at = sign_in("admin").switch_page("pages/omraden.py").run()
    assert at.title[0].value == "Områden" and len(at.get("file_uploader")) == 1


def test_analyst_sees_incident_rows(users_file):
    at = sign_in("anna")
    at.switch_page("pages/trender.py").run()
    assert [t.label for t in at.tabs][-1] == "Händelser"
    at.switch_page("pages/karta.py").run()
    pills = at.get("button_group")[0]
    assert "Enskilda händelser" in str(pills.proto)


def test_only_writers_get_measure_forms(users_file):
    at = sign_in("anna")
    at.switch_page("pages/insatser.py").run()
    assert not at.exception
    assert not any(b.label == "Spara insatsen" for b in at.button)
    labels_anna = {b.label for b in at.get("form_submit_button")} if at.get("form_submit_button") else set()
    at = sign_in("admin")
    at.switch_page("pages/insatser.py").run()
    labels_admin = {b.proto.label for b in at.get("form_submit_button")}
    assert labels_admin and not labels_anna


def test_meeting_view_suppresses_small_counts():
    from est_data.core import fmt

    assert [fmt.count(n, 3) for n in (0, 1, 2, 3, 40)] == ["0", "<3", "<3", "3", "40"]
