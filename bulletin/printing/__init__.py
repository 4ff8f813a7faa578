"""Print: every issue as an A4 PDF in the official 简报 style, plus a Word file for final layout.

The package itself imports nothing: importing one part (``printing.fonts`` for ``bulletin
doctor``, ``printing.worker`` for the bench) never loads WeasyPrint or python-docx. The build's
entry point is ``printing.issues.render_all``.
"""

from __future__ import annotations


def __getattr__(name: str):
    """``bulletin.printing.render_all`` as before, imported on first use."""
    if name == "render_all":
        from bulletin.printing.issues import render_all

        return render_all
    raise AttributeError(f"module 'bulletin.printing' has no attribute {name!r}")
