"""France, hand-computed: the barème for 2025 income (CGI art. 197 as amended by the loi de
finances pour 2026; service-public.fr F1419), the 10% deduction (CGI art. 83 3°), the décote and
the plafonnement (CGI art. 197), the CEHR (CGI art. 223 sexies), and the 2025/2026 employee
contributions (URSSAF taux secteur privé; AGIRC-ARRCO; PASS 47,100 in 2025, 48,060 in 2026)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from toolkit.offers.evaluate import evaluate
from toolkit.offers.load import load_offers
from toolkit.offers.tax import BuiltinEngine, TaxHouseholds
from toolkit.offers.tax import fr as france
from toolkit.offers.tax.fr import income_tax, parts
from toolkit.offers.tax.tables import section

PASS_2025 = 47_100.0


def fr(year=2025, wages=60_000.0, **kw):
    return BuiltinEngine().compute(TaxHouseholds.build(year=year, country="FR", wages=wages, **kw)).row(0)


def barème_2025(x):
    """The 2025-income barème for one part, written out."""
    return (0.11 * (min(x, 29_579) - 11_600) * (x > 11_600) + 0.30 * (min(x, 84_577) - 29_579) * (x > 29_579)
            + 0.41 * (min(x, 181_917) - 84_577) * (x > 84_577) + 0.45 * (x - 181_917) * (x > 181_917))


def test_60k_single_2025_every_contribution_and_the_income_tax():
    c = fr()["components"]
    # tranche 1 = 47,100 (the 2025 PASS), tranche 2 = 12,900
    assert c["fr_old_age"] == pytest.approx(0.069 * 47_100 + 0.004 * 60_000, abs=0.01)  # 3,249.90 + 240 = 3,489.90
    # AGIRC-ARRCO 3.15% + CEG 0.86% on T1, 8.64% + CEG 1.08% on T2, CET 0.14% on T1+T2 (pay > PASS)
    agirc = 0.0401 * 47_100 + 0.0972 * 12_900 + 0.0014 * 60_000  # 1,888.71 + 1,253.88 + 84 = 3,226.59
    assert c["fr_agirc_arrco"] == pytest.approx(agirc, abs=0.01)
    assert c["fr_apec"] == pytest.approx(0.00024 * 60_000, abs=0.01)  # 14.40
    # CSG/CRDS base: 98.25% of 60,000 = 58,950 (below 4 PASS)
    assert c["fr_csg_deductible"] == pytest.approx(0.068 * 58_950, abs=0.01)  # 4,008.60
    assert c["fr_csg_crds_non_deductible"] == pytest.approx(0.029 * 58_950, abs=0.01)  # 1,709.55
    # net taxable pay = 60,000 - (3,489.90 + 3,226.59 + 14.40 + 4,008.60) = 49,260.51
    # 10% deduction 4,926.05 (between 509 and 14,555): revenu net imposable 44,334.46, one part
    rni = (60_000 - (3_489.90 + 3_226.59 + 14.40 + 4_008.60)) * 0.9
    assert rni == pytest.approx(44_334.459, abs=0.001)
    # 11% x (29,579 - 11,600) + 30% x (44,334.46 - 29,579) = 1,977.69 + 4,426.64 = 6,404.33
    assert c["fr_income_tax"] == pytest.approx(1_977.69 + 0.30 * (rni - 29_579), abs=0.01)
    assert c["fr_income_tax"] == pytest.approx(6_404.33, abs=0.01)
    assert "fr_high_income_contribution" not in c


def test_400k_single_2025_ceilings_and_the_high_income_contribution():
    pay = 400_000.0
    c = fr(wages=pay)["components"]
    t1, t2 = PASS_2025, 7 * PASS_2025  # tranche 2 stops at 8 PASS = 376,800
    assert c["fr_agirc_arrco"] == pytest.approx(0.0401 * t1 + 0.0972 * t2 + 0.0014 * (t1 + t2), abs=0.01)
    assert c["fr_apec"] == pytest.approx(0.00024 * 4 * PASS_2025, abs=0.001)  # capped at 4 PASS
    # CSG base: 98.25% of 4 PASS (188,400) + 100% of the rest (211,600) = 185,103 + 211,600 = 396,703
    base = 0.9825 * 188_400 + (pay - 188_400)
    assert c["fr_csg_deductible"] == pytest.approx(0.068 * base, abs=0.01)
    deductible = c["fr_old_age"] + c["fr_agirc_arrco"] + c["fr_apec"] + c["fr_csg_deductible"]
    # the 10% deduction is capped at 14,555
    rni = pay - deductible - 14_555
    assert c["fr_income_tax"] == pytest.approx(barème_2025(rni), abs=0.01)
    # CEHR: 3% of the revenu fiscal de référence above 250,000 (single)
    assert c["fr_high_income_contribution"] == pytest.approx(0.03 * (rni - 250_000), abs=0.01)
    assert rni > 250_000 and c["fr_income_tax"] > 0.4 * (rni - 181_917)


def test_cet_starts_above_the_pass():
    # at exactly the PASS there is no tranche 2 and no CET; 100 more brings CET on all of T1+T2
    at = fr(wages=PASS_2025)["components"]["fr_agirc_arrco"]
    above = fr(wages=PASS_2025 + 100)["components"]["fr_agirc_arrco"]
    assert at == pytest.approx(0.0401 * PASS_2025, abs=0.01)
    assert above - at == pytest.approx(0.0972 * 100 + 0.0014 * (PASS_2025 + 100), abs=0.01)  # 9.72 + 66.08


def test_decote_at_24k_single():
    c = fr(wages=24_000.0)["components"]
    # contributions: 7.30% + 4.01% + 0.024% + 6.8% of 0.9825 x 24,000: 1,752 + 962.40 + 5.76 + 1,603.44 = 4,323.60
    net = 24_000 - 4_323.60
    rni = net - 0.10 * net  # 17,708.76
    gross_tax = 0.11 * (rni - 11_600)  # 671.96
    decote = 897 - 0.4525 * gross_tax  # 592.94
    assert c["fr_income_tax"] == pytest.approx(gross_tax - decote, abs=0.01)  # 79.02
    # below EUR 61 nothing is collected
    assert "fr_income_tax" not in fr(wages=23_500.0)["components"]


def test_parts_and_the_plafonnement_of_the_quotient_familial():
    it = section("fr", "national", "income_tax", 2025)
    assert parts("married_joint", np.array([2, 3]))[1].tolist() == [3.0, 4.0]
    assert parts("head_of_household", np.array([1]))[1].tolist() == [2.0]
    # couple, 2 children, RNI 150,000: 3 parts give 3 x tax(50,000) = 3 x 8,103.99 = 24,311.97; 2 parts give
    # 2 x tax(75,000) = 2 x 15,603.99 = 31,207.98; the advantage 6,896.01 is capped at 2 x 1,807
    got = income_tax(np.array([150_000.0]), "married_joint", np.array([2]), it)[0]
    assert got == pytest.approx(2 * barème_2025(75_000) - 2 * 1_807, abs=0.01)  # 27,593.98
    # single parent (case T), 1 child, RNI 60,000: 2 parts: 2 x tax(30,000) = 4,208.58; 1 part 11,103.99;
    # the first child's part is capped at 4,262 → 6,841.99
    got = income_tax(np.array([60_000.0]), "head_of_household", np.array([1]), it)[0]
    assert got == pytest.approx(barème_2025(60_000) - 4_262, abs=0.01)
    # a modest couple with 1 child keeps the whole advantage: 2.5 parts on 50,000 = 2.5 x tax(20,000)
    got = income_tax(np.array([50_000.0]), "married_joint", np.array([1]), it)[0]
    full = 2.5 * barème_2025(20_000)  # 2,310; décote (joint) 1,483 - 45.25% x 2,310 = 437.73
    assert got == pytest.approx(full - (1_483 - 0.4525 * full), abs=0.01)


def test_2026_uses_the_2026_pass_and_says_the_barème_is_projected():
    r = fr(year=2026)
    c = r["components"]
    assert c["fr_old_age"] == pytest.approx(0.069 * 48_060 + 0.004 * 60_000, abs=0.01)
    assert c["fr_agirc_arrco"] == pytest.approx(0.0401 * 48_060 + 0.0972 * 11_940 + 0.0014 * 60_000, abs=0.01)
    assert "France income tax for 2026 uses the 2025 figures, projected: the barème for later income (set by the next " \
           "loi de finances) was not yet published when the toolkit's tables were written" in r["notes"]
    assert r["currency"] == "EUR" and r["table_year"] == 2025


def test_joint_filers_spouse_pay_and_the_retirement_deduction():
    alone = fr(wages=60_000.0, filing_status="married_joint")
    with_spouse = fr(wages=60_000.0, filing_status="married_joint", spouse_income=60_000.0)
    # two equal earners on 2 parts pay twice one earner on 1 part: 2 x 6,404.33 = 12,808.65. Without this
    # pay the spouse alone owes 2 x tax(22,167.23) = 2,324.79 less the joint décote 1,483 - 45.25% x 2,324.79
    # = 431.03, i.e. 1,893.76; the tax on this pay is the difference, 10,914.89
    spouse_alone = 2 * barème_2025(44_334.459 / 2)
    spouse_alone -= 1_483 - 0.4525 * spouse_alone
    assert with_spouse["components"]["fr_income_tax"] == pytest.approx(2 * 6_404.3277 - spouse_alone, abs=0.01)
    assert alone["components"]["fr_income_tax"] < 6_404.33
    # a PER payment of 3,000 is within 10% of 44,334 and comes off the income taxed at 30%
    per = fr(wages=60_000.0, pretax_deductions=3_000.0)["components"]
    assert per["fr_income_tax"] == pytest.approx(6_404.33 - 0.30 * 3_000, abs=0.01)
    assert per["fr_old_age"] == pytest.approx(3_489.90, abs=0.01)  # social contributions unchanged


def test_a_paris_offer_is_taxed_in_france_in_euros(write):
    path = write("o.yaml", "offers: [{id: p, company: P, currency: EUR, base_salary: 60k, location: 'Paris, France', "
                           "start_date: 2025-01-01}]\n")
    ev = evaluate(load_offers([path]))
    p = ev.after_tax.profiles[0]
    assert (p.country, p.state) == ("FR", "")
    block = ev.offer_dict(0)["tax"]
    year1 = block["years"][0]
    assert year1["year"] == "2025"
    assert year1["income_tax_national"] == pytest.approx(6_404.33, abs=0.01)
    assert not any("no tax tables" in n for n in block["notes"])


ORACLE = json.loads((Path(__file__).parent / "fixtures" / "openfisca_france_2025_2026.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", ORACLE["cases"], ids=lambda c: f"{c['year']}-{c['filing_status']}-{c['wages']:.0f}")
def test_agrees_with_frozen_openfisca_france_outputs(case):
    """OpenFisca-France 176.1.8 (a development-time oracle, outputs frozen in tests/fixtures with the
    script that made them) agrees with the built-in figures component by component. OpenFisca
    rounds each month's contributions to the cent, hence the tolerances of a few cents a year (and
    under a euro on the tax, which it also rounds to the euro in ip_net)."""
    h = TaxHouseholds.build(year=case["year"], country="FR", wages=case["wages"], filing_status=case["filing_status"],
                            dependents=case["dependents"], spouse_income=case["spouse_income"])
    # household-level figures straight from the jurisdiction function (the engine reports the tax on
    # this pay, which differs from the household's when a spouse earns)
    c, _, _ = france.compute(h, case["year"], case["filing_status"], "")
    of = case["openfisca"]
    got = {k: float(v[0]) for k, v in c.items()}
    assert got["fr_old_age"] == pytest.approx(-(of["vieillesse_plafonnee_salarie"] + of["vieillesse_deplafonnee_salarie"]), abs=0.10)
    agirc = of["agirc_arrco_salarie"] + of["contribution_equilibre_general_salarie"] + of["contribution_equilibre_technique_salarie"]
    assert got["fr_agirc_arrco"] == pytest.approx(-agirc, abs=0.10)
    assert got["fr_apec"] == pytest.approx(-of["apec_salarie"], abs=0.10)
    assert got["fr_csg_deductible"] == pytest.approx(-of["csg_deductible_salaire"], abs=0.10)
    assert got["fr_csg_crds_non_deductible"] == pytest.approx(-(of["csg_imposable_salaire"] + of["crds_salaire"]), abs=0.10)
    assert got["fr_income_tax"] == pytest.approx(of["ip_net"], abs=1.0)
    assert got["fr_high_income_contribution"] == pytest.approx(of["contribution_exceptionnelle_hauts_revenus"], abs=1.0)
