"""人员与培训: the roles each staff member holds, training records over the three-year cycle against the norms,
supervision, the staffing checks and the counseling room's duty roster."""
