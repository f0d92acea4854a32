"""`make bench` (or ``python -m bench [--only a,b] [--scale F]``): every benchmark, each in its
own process on its own fresh Azurite, one JSON object per line; see :mod:`bench.harness`."""

from __future__ import annotations

import sys

from bench.harness import main

if __name__ == "__main__":
    sys.exit(main())
