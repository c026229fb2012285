"""预警网络: committee members, dormitory informants, the leadership group, year-group reviews, peer pairs, the
reports they send and the triage of every student they name."""
