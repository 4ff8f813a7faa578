"""Fingerprints of the parts' inputs: the program's own digest, wherever the checkout lies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import bulletin

PACKAGE = Path(bulletin.__file__).resolve().parent
DIGEST = "from bulletin.fingerprint import code_digest; print(code_digest().hex())"


def _code_digest(checkout: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, "-c", DIGEST], env=env, cwd=checkout, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_a_checkout_under_a_folder_named_bench_still_sees_a_code_change(tmp_path):
    checkout = tmp_path / "bench" / "checkout"
    shutil.copytree(PACKAGE, checkout / "bulletin", ignore=shutil.ignore_patterns("__pycache__"))
    before = _code_digest(checkout)
    with (checkout / "bulletin" / "views.py").open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    assert _code_digest(checkout) != before


def test_the_code_digest_does_not_depend_on_where_the_checkout_lies(tmp_path):
    first, second = tmp_path / "a", tmp_path / "bench" / "b"
    for checkout in (first, second):
        shutil.copytree(PACKAGE, checkout / "bulletin", ignore=shutil.ignore_patterns("__pycache__"))
    assert _code_digest(first) == _code_digest(second)
