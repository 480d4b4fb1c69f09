"""``python -m benchmarks``: see :mod:`benchmarks` and ``docs/performance.md``."""

import sys

from benchmarks.run import main

sys.exit(main())
