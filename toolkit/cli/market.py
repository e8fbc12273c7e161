"""`offer-toolkit market summary` (see toolkit.market)."""
