"""The student archive in the window: the archive view of one student, its tabs, and the roster import dialog."""
