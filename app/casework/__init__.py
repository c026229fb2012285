"""Casework: individual and group sessions, talks (一生一谈), parent meetings and calls, home visits."""
