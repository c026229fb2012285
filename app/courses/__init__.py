"""课程与活动: mental-health lessons, themed activities, parent school, the monthly pushes to parents, the regional
norms they are measured against, reminders, the courses import and the per-teacher workload sheet (issue 13)."""
