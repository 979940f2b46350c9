"""Rules with no I/O: severity, status, roles, policy, naming, blameless, dates, requests."""
