"""``python -m bactivate``: the ``bactivate`` command (for when its script is not on PATH)."""

import sys

from bactivate.cli import main

if __name__ == "__main__":
    sys.exit(main())
