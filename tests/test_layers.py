"""What a module costs to import: a part of the printing stack never drags in the rest."""

from __future__ import annotations

import subprocess
import sys


def _loaded_after(statement: str, *modules: str) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in {list(modules)!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_importing_the_fonts_loads_neither_word_nor_weasyprint():
    assert _loaded_after("import bulletin.printing.fonts", "docx", "weasyprint", "bulletin.printing.issues") == []


def test_the_printing_package_still_offers_render_all():
    assert _loaded_after("from bulletin.printing import render_all", "bulletin.printing.issues") == [
        "bulletin.printing.issues"]


def test_a_check_loads_no_file_lock_library():
    """Only writing commands lock (``runlock.writer_lock`` imports filelock): 15 ms of every
    ``bulletin check``'s start, which never locks."""
    statement = "import bulletin.cli, bulletin.commands.check_cmd, bulletin.check"
    assert _loaded_after(statement, "filelock", "bulletin.runlock") == ["bulletin.runlock"]
