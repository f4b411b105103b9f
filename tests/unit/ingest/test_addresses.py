"""Address keys (ingest.addresses): how partners write one building, and the register
lookup by entrance, else building."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from est_data.ingest import addresses


def _key(sql_of, text):
    return duckdb.connect().execute(f"SELECT {sql_of('$1')}", [text]).fetchall()[0][0]


@pytest.mark.parametrize("text,building", [
    ("Kyrkgatan 12", "kyrkgatan 12"),
    ("Kyrkgatan 12 A, Östersund", "kyrkgatan 12"),        # entrance letter, postal town
    ("KYRKGATAN 12A", "kyrkgatan 12"),                    # capitals, letter attached
    ("Kyrkg. 12", "kyrkgatan 12"),                        # abbreviated street word
    ("Kyrkgt 12", "kyrkgatan 12"),
    ("Kyrkgatan 12, lgh 1103", "kyrkgatan 12"),           # apartment
    ("Kyrkgatan 12 lgh nr 1103", "kyrkgatan 12"),
    ("lgh 1103 Kyrkgatan 12", "kyrkgatan 12"),            # apartment first
    ("Kyrkgatan 12 (trapphus B)", "kyrkgatan 12"),        # a note in brackets
    ("Kyrkgatan 12 Östersund", "kyrkgatan 12"),           # town without a comma
    ("Östersund, Kyrkgatan 12", "kyrkgatan 12"),          # town first
    ("  kyrkgatan   012 ", "kyrkgatan 12"),               # spaces, leading zero
    ("Kyrkgatan 12-14", "kyrkgatan 12"),                  # a range: its first number
    ("Kyrkgatan 14", "kyrkgatan 14"),                     # another building
    ("Prästgatan 3 B, 831 31 ÖSTERSUND", "prästgatan 3"),
    ("Storv. 5", "storvägen 5"),
    ("Storvägen 5", "storvägen 5"),
    ("S:t Olofsgatan 3", "sanktolofsgatan 3"),
    ("Sankt Olofsgatan 3", "sanktolofsgatan 3"),
    ("Olof Palmes gata 7", "olofpalmesgatan 7"),
    ("Kyrkgatan", None),                                  # a street alone is no place
    ("Stortorget", None),
    ("831 30 Östersund", None),                           # postcode and town only
    ("", None),
    (None, None),
])
def test_building_key(text, building):
    assert _key(addresses.building_key_sql, text) == building


@pytest.mark.parametrize("text,key", [
    ("Kyrkgatan 12 A, Östersund", "kyrkgatan 12a"),
    ("KYRKGATAN 12A", "kyrkgatan 12a"),
    ("Kyrkgatan 12 b", "kyrkgatan 12b"),
    ("Kyrkgatan 12, lgh 1103", "kyrkgatan 12"),
    ("Kyrkgatan 12 Östersund", "kyrkgatan 12"),           # "Ö" is no entrance letter
    ("Stortorget", "stortorget"),                         # kept whole for the register
    ("Rådhusgatan", "rådhusgatan"),
    ("", None),
])
def test_address_key_keeps_the_entrance(text, key):
    assert _key(addresses.address_key_sql, text) == key


def test_register_finds_the_entrance_else_the_building(tmp_path):
    path = tmp_path / "addresses.csv"
    path.write_text("Adress;N;E\nKyrkgatan 12 A;7005600;481700\nKyrkgatan 12 B;7005610;481720\n"
                    "Stortorget;7005500;481600\n", encoding="utf-8")
    register = addresses.load_register(path)
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"_row": [1, 2, 3, 4, 5, 6], "address": [
        "KYRKGATAN 12B", "Kyrkgatan 12, lgh 1103", "Kyrkg. 12 A", "Kyrkgatan 14",
        "Stortorget", "Kyrkgatan"]}))
    addresses.match(con, "t", register)
    got = dict(con.execute("SELECT _row, y FROM addr_match").fetchall())
    # 12B its own entrance; 12 (no letter) the building's first entrance; 14 and the
    # bare street are not in the register.
    assert got == {1: 7005610.0, 2: 7005600.0, 3: 7005600.0, 5: 7005500.0}
