"""The school: years and semesters, grades and classes, staff, and the roster import."""
