"""Errors and warnings raised when a log cannot be read as it is."""

from __future__ import annotations


class LogError(ValueError):
    """A log could not be read as it is; the message says what to fix.

    ``problems`` holds the rejected-rows table (one row per problem) when the
    error is about rows, so that code can act on it.
    """

    def __init__(self, message: str, problems=None):
        super().__init__(message)
        self.problems = problems


class LogWarning(UserWarning):
    """Rows were set aside while reading a log; see ``df.attrs["rejected"]``."""
