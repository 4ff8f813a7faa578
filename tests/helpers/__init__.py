"""Helpers the tests share: newsrooms to bend, and readers of what a build wrote (PDF text, pages)."""
