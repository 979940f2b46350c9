"""The Slack gateway (the only caller of the Web API), directory look-ups, and block IDs."""
