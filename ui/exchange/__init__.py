"""区县上报 (a school) and 全区汇总 (the county centre)."""
