"""学期报告: the semester report PDF an inspector asks for, from the indicators, with charts (issue 14)."""
