"""Visa rules by visa type: which US rules and fees apply to a sponsorship value, and the
non-US salary thresholds (EU Blue Card in Germany, UK Skilled Worker).

Pure data and small functions; the talking-point rules (`rules.py`) and the checklist read them
so that no sentence claims a rule its source does not name. docs/negotiation.md "Visa rules"
states each rule with its source tag (listed in docs/sources.md):

- LCA and the prevailing (required) wage: H-1B, H-1B1 and E-3 only (DOL, 20 CFR 655 subpart H)
  [S65b][S36a]; not TN, L-1 or O-1 [S37b].
- The weighted H-1B lottery (DHS final rule, 90 FR 60864, effective 27 Feb 2026) [S65e][S39a]
  only for a cap-subject new H-1B (`h1b-new`): a worker already counted against the cap is not
  counted again (INA §214(g)(7); 8 CFR 214.2(h)(8)) [S65c][S65d][S43a], so not for
  `h1b-transfer`; a cap-exempt employer (`h1b-cap-exempt`) files outside the cap [S65d].
- Fees, each only for the petition types the USCIS Form I-129 instructions name [S65a][S41a]:
  ACWIA (H-1B and H-1B1, unless the employer is exempt: universities and related nonprofits,
  nonprofit or government research bodies); Fraud Prevention and Detection (initial H-1B or L-1,
  or a change of employer; not H-1B1); the Asylum Program Fee (every Form I-129 petition; $0
  for nonprofits) [S41b]; the 2025 proclamation's $100,000 payment (new H-1B petitions for a
  worker outside the US; not a change of employer, extension or change of status) [S40a][S40b].
- PERM costs only when a green card is sponsored (20 CFR 656.12(b)) [S42c].
- Other visa types (TN, L-1, O-1, Blue Card, Skilled Worker): neutral wording, no legal claim,
  except the UK rule that a sponsor may not recoup its sponsorship costs [S46d][S46f].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

H1B_KINDS = ("h1b-new", "h1b-transfer", "h1b-cap-exempt")
LCA_KINDS = H1B_KINDS + ("h1b1", "e3")  # a Labor Condition Application and the required wage
US_KINDS = LCA_KINDS + ("tn", "l1", "o1", "green-card")
LABELS = {
    "h1b-new": "new cap-subject H-1B", "h1b-transfer": "H-1B transfer (change of employer)",
    "h1b-cap-exempt": "cap-exempt H-1B", "h1b1": "H-1B1 (Chile/Singapore)", "e3": "E-3 (Australia)",
    "green-card": "green card", "tn": "TN (USMCA)", "l1": "L-1", "o1": "O-1", "skilled-worker": "UK Skilled Worker",
    "blue-card": "EU Blue Card", "other": "visa",
}


@dataclass(frozen=True)
class Fee:
    name: str
    amount: str  # as the source states it (tiers in words)
    applies: str  # to which petitions, in the source's words
    tags: str


# Form I-129 fees as of 1 Apr 2024 (USCIS fee rule) and the 2025 proclamation [S65a][S41a][S41b][S40a].
FEES = {
    "acwia": Fee("ACWIA training fee", "$750 or $1,500 by employer size", "H-1B and H-1B1 petitions, unless the employer is exempt",
                 "[S65a][S41a]"),
    "fraud": Fee("Fraud Prevention and Detection fee", "$500", "initial H-1B or L-1 petitions and changes of employer (not H-1B1)",
                 "[S65a][S41a]"),
    "asylum": Fee("Asylum Program Fee", "$600 ($300 for 25 or fewer employees, $0 for nonprofits)", "every Form I-129 petition",
                  "[S65a][S41b]"),
    "proclamation": Fee("$100,000 payment (Proclamation of 19 Sep 2025)", "$100,000",
                        "new H-1B petitions for a worker outside the US without a valid H-1B visa; not changes of employer, "
                        "extensions or changes of status", "[S40a][S40b]"),
}
FEES_BY_KIND = {
    "h1b-new": ("acwia", "fraud", "asylum", "proclamation"),
    "h1b-transfer": ("acwia", "fraud", "asylum"),
    "h1b-cap-exempt": ("acwia", "fraud", "asylum", "proclamation"),
    "h1b1": ("acwia", "asylum"),
    "e3": ("asylum",),  # an I-129 only for a change of status or extension inside the US
    "l1": ("fraud", "asylum"),
    "o1": ("asylum",),
    "tn": ("asylum",),  # an I-129 only inside the US; Canadians may apply at the border
}


@dataclass(frozen=True)
class Threshold:
    """A non-US route's salary floor (domain notes §5.5)."""

    route: str
    country: str
    currency: str
    annual: float
    lower: Optional[float]
    lower_when: str
    valid: str
    tags: str
    hourly_floor: Optional[float] = None


THRESHOLDS = {
    # 50% / 45.3% of the 2026 pension contribution ceiling (€101,400); indexed every year [S47a][S47b]
    ("blue-card", "DE"): Threshold("EU Blue Card (Germany)", "DE", "EUR", 50_700.0, 45_934.20,
                                   "shortage occupations, recent graduates (under 3 years) and IT specialists without a degree",
                                   "2026", "[S47a][S47b]"),
    # CoS assigned on or after 22 Jul 2025: £41,700 or the going rate, whichever is higher [S46a][S46b]
    ("skilled-worker", "GB"): Threshold("UK Skilled Worker", "GB", "GBP", 41_700.0, 33_400.0,
                                        "new entrants, STEM PhDs and Immigration Salary List jobs (at 70-80% of the going rate)",
                                        "certificates of sponsorship from 22 Jul 2025", "[S46a][S46b]", hourly_floor=17.13),
}


def needs_lca(kind: Optional[str]) -> bool:
    """H-1B, H-1B1 and E-3 need an LCA and the required wage [S65b]."""
    return kind in LCA_KINDS


def lottery_applies(kind: Optional[str]) -> bool:
    """Only a cap-subject new H-1B enters the (weighted) lottery [S65c][S65d][S65e]."""
    return kind == "h1b-new"


def fees_for(kind: Optional[str]) -> tuple[Fee, ...]:
    return tuple(FEES[k] for k in FEES_BY_KIND.get(kind or "", ()))


def perm_applies(sponsorship: Optional[str], green_card: Optional[bool]) -> bool:
    """PERM costs are the employer's only where a green card is sponsored [S42c]."""
    return sponsorship == "green-card" or green_card is True


def threshold_for(kind: Optional[str], country: str) -> Optional[Threshold]:
    return THRESHOLDS.get((kind or "", country))


def label(kind: Optional[str]) -> str:
    return LABELS.get(kind or "", kind or "visa")
