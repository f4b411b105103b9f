"""Sign-in and roles in the app (AppTest). Browser checks per role live in tests/browser."""
from __future__ import annotations

import json

import pytest


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
    assert at.title[0].value == "Översikt"
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
    # The page is not even registered for an analyst (the navigation leaves it out).
    with pytest.raises(ValueError, match="omraden.py"):
        app_test("omraden", role="analytiker")
    at = app_test("omraden", role="admin")
    assert at.title[0].value == "Områden" and len(at.get("file_uploader")) == 1


def test_analyst_sees_incident_rows(app_db, app_test):
    at = app_test("trender", role="analytiker")
    assert [t.label for t in at.tabs][-1] == "Händelser"
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
