"""统计报表: the school's charts for a period and the semester report."""
