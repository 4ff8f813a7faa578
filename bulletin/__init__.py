"""bulletin: check, compile, print, score and publish government information reports."""

__version__ = "0.1.0"
