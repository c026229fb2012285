"""人员与培训 page: staff and their roles, training against the norms, staffing checks, the duty roster."""
