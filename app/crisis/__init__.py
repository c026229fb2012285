"""心理危机干预: crisis cases walked step by step, the referral directory and incident records."""
