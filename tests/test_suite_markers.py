"""The suite's own markers do what the README says: `-m "not browser"` runs no browser test."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _collected(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_not_browser_leaves_out_every_browser_test():
    browser_tests = _collected("tests/browser")
    assert browser_tests, "the browser folder has tests"
    assert _collected("-m", "not browser", "tests/browser") == []
    assert sorted(_collected("-m", "browser", "tests/browser")) == sorted(browser_tests)
