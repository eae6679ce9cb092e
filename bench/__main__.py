"""`make bench`: run every bench/bench_*.py module's `main()` in turn.

Each benchmark prints its figure next to a baseline measured in the same run, so that the
ratio means something on a noisy machine. Benchmarks are never asserted in tests.
Run one: `python -m bench NAME` (e.g. `python -m bench api`).
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmhub.settings")
    django.setup()
    wanted = set(sys.argv[1:])
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if not names:
        print("No benchmarks yet.")
    for name in names:
        if wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main()
