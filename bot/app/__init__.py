"""The edge: the app factory (the one place where things are wired), server, CLIs, demo."""
