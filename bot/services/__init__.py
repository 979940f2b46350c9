"""Services: the domain decisions, each a verb, using models and the Slack gateway."""
