"""Placeholder: the grid layout is not read yet."""

from __future__ import annotations

from bactivate.errors import LogError

LABEL = "a grid file"


def is_header(keys) -> bool:
    return False


def looks_partly(keys) -> bool:
    return False


def sign(raw):
    return None


def cells(sheets, reader, **_):
    raise LogError("format=grid is not supported yet")
