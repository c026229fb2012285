"""Screening (心理健康测评): scales as data, campaigns with consent, results, grading and the intervention ledger."""
