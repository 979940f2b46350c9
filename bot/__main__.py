"""`python -m bot …`: the command line lives at the edge, in bot.app.cli."""

from __future__ import annotations

import sys

from bot.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
