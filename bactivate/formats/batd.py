"""Placeholder: the batd layout is not read yet."""

from __future__ import annotations

from bactivate.errors import LogError

LABEL = "a batd file"


def is_header(keys) -> bool:
    return False


def looks_partly(keys) -> bool:
    return False


def sign(raw):
    return None


def cells(sheets, reader, **_):
    raise LogError("format=batd is not supported yet")
