"""Outbound clients of other services, one module each (PagerDuty)."""
