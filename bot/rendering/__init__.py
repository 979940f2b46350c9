"""Block Kit builders: pure functions from domain data to message and view payloads."""
