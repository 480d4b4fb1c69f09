"""Files that bactivate writes: never over one of its inputs, never half written.

Every output (a report, a kept notebook, a log written by :func:`bactivate.write_log`)
goes through two steps:

- :func:`check_output`, before any work starts: the output is not one of the
  inputs (the same path, through ``./``, a symlink or a hard link), it is not a
  folder, its folder exists (or can be made) and can be written to. A problem
  raises :class:`OutputError` and nothing is written;
- :func:`replacing`, when the output is written: the content goes to a
  temporary file in the same folder, which ``os.replace`` moves into place only
  once it is complete, so a failed write leaves the old file (or none) and never
  half a file.

>>> check_output("log.csv", "the report", inputs=["log.csv"])   # doctest: +SKIP
Traceback (most recent call last):
OutputError: cannot write the report: log.csv is the input log.csv ...
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["OutputError", "check_output", "replacing", "same_file"]


class OutputError(OSError):
    """An output cannot be written where it was asked for; nothing was written."""

    def __init__(self, what: str, reason: str):
        super().__init__(f"cannot write {what}: {reason}")
        self.what, self.reason = what, reason

    def __str__(self) -> str:
        return self.args[0]


def same_file(a, b) -> bool:
    """Whether paths *a* and *b* name one file: the same resolved path, or (both existing)
    the same device and inode (a hard link, or a path the resolved names do not tell)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:  # one of them does not exist (yet): different files
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_output(path, what: str, *, inputs: Iterable = (), source: str = "the input",
                 example: str = "output", instead: str | None = None,
                 make_folders: bool = False) -> Path:
    """Check, before any work, that *path* can be written as *what* without touching an input.

    Parameters
    ----------
    path : where the output is to be written.
    what : what it is, for the message (``"the report"``).
    inputs : the files the output is made from; writing over one is an error.
    source : what the inputs are, for the message (``"the log"``).
    example : a file name to suggest when *path* is a folder (``"report.html"``).
    instead : a file name to suggest when *path* is an input (``"alex-report.html"``).
    make_folders : missing folders on the way will be made (else a missing folder is an error).

    Returns the path to write to: *path* with symlinks resolved (writing through a
    symlink replaces the file it points to, as writing to it in place would).

    Raises :class:`OutputError` (an ``OSError``) saying which output, what is wrong
    and what to do.
    """
    shown = os.fspath(path)  # as the user wrote it ("./x.csv" stays "./x.csv")
    path = Path(path)
    for inp in inputs:
        if same_file(path, inp):
            how = ("" if os.path.abspath(path) == os.path.abspath(inp) else ", through a symlink"
                   if os.path.realpath(path) == os.path.realpath(inp) else ", a hard link to it")
            raise OutputError(what, f"{shown} is {source} it is made from ({inp}{how}); writing there "
                                    f"would replace {source}. Give {what} another name"
                              + (f", such as {instead}" if instead else ""))
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise OutputError(what, f"{shown} is a folder; give a file name such as "
                                f"{Path(path) / example if path.name not in ('', '.', '..') else example}")
    folder = target.parent
    missing = []
    while not folder.exists():  # the nearest folder that exists
        if folder.is_symlink():  # a dangling symlink on the way
            raise OutputError(what, f"{folder} is a broken link; choose another place for {what}")
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(what, f"{folder} is a file, not a folder, so {shown} cannot be made there; "
                                f"choose another place for {what}")
    if missing and not make_folders:
        raise OutputError(what, f"the folder {missing[-1]} does not exist; make it first, "
                                f"or choose another place for {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(what, f"the folder {folder} is read-only (no permission to write there); "
                                f"choose another place for {what}")
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(what, f"{shown} exists and is read-only; remove it or give {what} another name")
    return target


@contextlib.contextmanager
def replacing(path, what: str = "the output", *, make_folders: bool = False) -> Iterator[Path]:
    """A temporary path beside *path* to write to; moved over *path* when the block ends well.

    On any error the temporary file is removed and *path* is left as it was. An
    ``OSError`` while writing is raised as :class:`OutputError`. A *path* that
    exists and is not a regular file (a pipe, ``/dev/stdout``) is written in place.
    """
    path = Path(os.path.realpath(path))
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):  # a device or a pipe: nothing to replace
        yield path
        return
    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        # a hidden name that keeps the suffix (writers choose by it); created here, so no one else's
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.part{path.suffix}")
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise OutputError(what, _why(exc, path)) from None
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # on disk before it takes the name
            os.fsync(fh.fileno())
        if mode is not None:  # an existing file keeps its permissions
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(what, _why(exc, path)) from None
    except BaseException:
        _remove(tmp)
        raise


def _why(exc: OSError, path: Path) -> str:
    return f"{exc.strerror}: {path}" if exc.strerror else f"{path}: {exc}"


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()
