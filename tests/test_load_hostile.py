"""Hostile offer files (issue 11 items 6-7): text kept as written, explicit encodings,
European thousands in tables, ids compared after coercion. Files in tests/data/hostile/."""

from __future__ import annotations

import pytest

from toolkit.errors import InputError
from toolkit.offers.load import load_offers

from conftest import TESTS

HOSTILE = TESTS / "data" / "hostile"


def messages(exc: InputError) -> list[str]:
    return [str(i) for i in exc.issues]


@pytest.mark.parametrize("name", ["text_as_written.yaml", "text_as_written.csv"])
def test_text_fields_keep_what_was_typed(name):
    offer = load_offers(HOSTILE / name).offers[0]
    # YAML 1.1 (and a CSV reader's type guessing) would give 511 / 777, 5.1 and inf.
    assert (offer.role, offer.level, offer.location) == ("0777", "5.10", ".inf")
    assert offer.id == "0777"
    if name.endswith(".yaml"):
        assert offer.notes == "yes"  # not True


def test_non_utf8_csv_refused_with_line_and_byte():
    with pytest.raises(InputError) as err:
        load_offers(HOSTILE / "cp1252.csv")
    (issue,) = err.value.issues
    # The é of "Société" (0xE9 in cp1252) is the file's byte 49 (from 0), on line 3.
    raw = (HOSTILE / "cp1252.csv").read_bytes()
    assert raw.index(b"\xe9") == 49 and raw[:49].count(b"\n") + 1 == 3
    assert issue.code == "encoding"
    assert "byte 49 (line 3)" in issue.message and "--encoding" in issue.message


def test_named_encoding_reads_the_file():
    offers = load_offers(HOSTILE / "cp1252.csv", encoding="cp1252").offers
    assert [o.company for o in offers] == ["Acme", "Société Générale"]


def test_unknown_encoding_is_a_clean_error():
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        load_offers(HOSTILE / "cp1252.csv", encoding="klingon")


def test_utf8_byte_order_mark_accepted():
    (offer,) = load_offers(HOSTILE / "bom.csv").offers
    assert offer.company == "Société Générale"  # the BOM is not part of the first column's name


@pytest.mark.parametrize("name", ["european_thousands.csv", "european_thousands.xlsx"])
def test_european_thousands_in_tables_are_ambiguous(name):
    with pytest.raises(InputError) as err:
        load_offers(HOSTILE / name)
    found = messages(err.value)
    assert len(found) == 2, found
    assert all("is ambiguous: is '.' a thousands separator or a decimal point?" in m for m in found)
    assert any("'80.000'" in m and "base_salary" in m for m in found)
    assert any(("'10.000'" in m or "'12.500'" in m) for m in found)


def test_same_message_as_yaml_for_european_thousands(write):
    yaml_path = write("eu.yaml", "offers:\n  - {company: Acme, currency: EUR, base_salary: 80.000}\n")
    csv_path = write("eu.csv", "company,currency,base_salary\nAcme,EUR,80.000\n")
    with pytest.raises(InputError) as a:
        load_offers(yaml_path)
    with pytest.raises(InputError) as b:
        load_offers(csv_path)
    assert a.value.issues[0].message == b.value.issues[0].message


def test_ids_compared_after_turning_into_text():
    with pytest.raises(InputError) as err:
        load_offers(HOSTILE / "duplicate_ids.yaml")
    dups = [i for i in err.value.issues if i.code == "duplicate"]
    assert len(dups) == 2 and all("duplicate offer id '5'" in i.message for i in dups)
    with pytest.raises(InputError) as err:
        load_offers(HOSTILE / "duplicate_ids.csv")
    (dup,) = [i for i in err.value.issues if i.code == "duplicate"]
    assert dup.record == "row 3 (offer '5')"


def test_numeric_id_is_its_text(write):
    offers = load_offers(write("ids.yaml", "offers:\n  - {id: 5.0, company: A, currency: USD, base_salary: 1}\n"
                                           "  - {id: 6, company: B, currency: USD, base_salary: 1}\n")).offers
    assert [o.id for o in offers] == ["5", "6"]


def test_validate_command_reports_duplicate_ids():
    from typer.testing import CliRunner

    from toolkit.cli import app

    result = CliRunner().invoke(app, ["validate", str(HOSTILE / "duplicate_ids.yaml")])
    assert result.exit_code == 2
    assert "duplicate offer id '5'" in result.output


def test_encoding_flag_on_the_command_line():
    from typer.testing import CliRunner

    from toolkit.cli import app

    runner = CliRunner()
    refused = runner.invoke(app, ["validate", str(HOSTILE / "cp1252.csv")])
    assert refused.exit_code == 2 and "not UTF-8 text: byte 49 (line 3)" in refused.output
    named = runner.invoke(app, ["validate", str(HOSTILE / "cp1252.csv"), "--encoding", "cp1252"])
    assert named.exit_code == 0, named.output


def test_a_yaml_only_line_break_inside_a_value_is_refused_not_folded():
    # U+0085 inside a quoted amount: YAML folds it, so "1<NEL>75000" read silently as 175000.
    with pytest.raises(InputError) as err:
        load_offers([HOSTILE / "nel_in_amount.yaml"])
    (issue,) = err.value.issues
    assert issue.code == "encoding"
    assert "U+0085 (NEL) at line 4, column 20" in str(issue) and "remove it" in str(issue)
