"""The student archive: students, guardians, focus tags, support plans (一生一策) and the chronology."""
