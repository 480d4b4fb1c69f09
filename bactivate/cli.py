"""The ``bactivate`` command: ``report`` renders a client report, ``validate`` checks a log.

    bactivate report LOG [-o REPORT.html] [--client NAME] [--format FORMAT]
                         [--week-start YYYY-MM-DD] [--dayfirst | --monthfirst]
    bactivate validate LOG [--client NAME] [--format FORMAT] [--week-start YYYY-MM-DD]
                           [--dayfirst | --monthfirst] [--all]
    bactivate --version                   (also: python -m bactivate ...)

Both read the log locally; nothing is sent anywhere. An output never replaces
an input: ``-o`` naming the log itself (also through ``./``, a symlink or a hard
link), a folder, or a place that cannot be written stops the command before any
work, and a report is written whole or not at all. Text from the log (cells,
file and sheet names) is printed with control characters shown as ``\\x1b``,
so a cell cannot clear or recolour the terminal.

Exit status: 0 done; 1 rows set aside with problems, listed (``validate``), or
the report notebook stopped on this log; 2 nothing done, with one line on
stderr: the log cannot be read, the output cannot be written, a package that
runs the report is missing, or its Jupyter kernel did not start.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from datetime import date
from pathlib import Path

from bactivate import __version__
from bactivate.errors import LogError
from bactivate.escape import terminal
from bactivate.io.accounting import accounting_text
from bactivate.io.formats import FORMATS
from bactivate.io.read import read_log
from bactivate.outputs import OutputError
from bactivate.report import ReportError, SetupError, render_report


def _day(text: str) -> str:
    """*text* as an ISO date (YYYY-MM-DD), or argparse's error naming it."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give it as YYYY-MM-DD") from None


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """The options that say how to read the log, shared by ``report`` and ``validate``."""
    parser.add_argument("--client", help="the client's name or id, if the log does not say")
    parser.add_argument("--format", default="auto", choices=("auto", "long", "tidy", *FORMATS),
                        help="the log's layout (default: auto, told apart from the headers and cells)")
    parser.add_argument("--week-start", type=_day, metavar="YYYY-MM-DD",
                        help="for a weekly grid whose columns name only weekdays: "
                             "the first day of the first sheet's week")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="read dates like 03/04/2026 as 3 April, when the data do not tell")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="read dates like 03/04/2026 as March 4, when the data do not tell")


class _Parser(argparse.ArgumentParser):
    """argparse, with the arguments it quotes in its messages safe for the terminal."""

    def error(self, message):
        """argparse's error, with *message* made safe for the terminal."""
        super().error(terminal(message))


def main(argv: list[str] | None = None) -> int:
    """The ``bactivate`` command: ``report`` (a client's HTML report) and ``validate`` (row checks).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 done; 1 ``validate`` set rows aside with problems, or
        the report's notebook stopped; 2 the log cannot be read, an output
        cannot be written, or the report cannot run here; 130 interrupted.

    Examples
    --------
    >>> status = main(["validate", "data/sample/client-alex.xlsx"])  # doctest: +ELLIPSIS
    client-alex.xlsx: 235 rows read, 232 kept, 2 set aside with problems, 1 not log entries
    ...
    >>> status
    1
    """
    parser = _Parser(
        prog="bactivate",
        description="Behavioral activation activity logs: client reports and row checks.",
    )
    parser.add_argument("--version", action="version", version=f"bactivate {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="render a client's log as a self-contained HTML report")
    rep.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    rep.add_argument("-o", "--output", help="where to write the report (default: LOG-report.html); "
                                            "never the log itself")
    _reading_options(rep)
    rep.add_argument("--keep-notebook", action="store_true",
                     help="also keep the executed notebook beside the report")
    val = sub.add_parser("validate", help="show how each row of a log was read: kept, set aside, why")
    val.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    _reading_options(val)
    val.add_argument("--all", action="store_true", help="list every row set aside, not the first 50")
    args = parser.parse_args(argv)

    try:
        if args.command == "validate":
            return _validate(args)
        return _report(args)
    except BrokenPipeError:  # the output was cut short (e.g. piped into `head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 0
    except OutputError as exc:  # checked before any work: nothing was written
        _say(f"bactivate: {exc}")
        return 2
    except (LogError, OSError) as exc:  # FileNotFoundError, PermissionError, ... are OSErrors
        msg = str(exc) if not isinstance(exc, OSError) or not exc.strerror else (
            f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror)
        _say(f"bactivate: cannot read the log: {msg}{_hint(msg)}")
        return 2
    except SetupError as exc:  # a missing package, a kernel that did not start: nothing written
        _say(f"bactivate: no report written: {exc}")
        return 2
    except ReportError as exc:
        _say(f"bactivate: no report written: {exc}")
        return 1
    except KeyboardInterrupt:
        print("bactivate: stopped", file=sys.stderr)
        return 130


def _say(message: str) -> None:
    """One line on stderr, its text (file names, cell values) safe for the terminal."""
    print(terminal(message), file=sys.stderr)


#: read_log's keywords that a loader message may name, and this command's options for them
_OPTIONS = {"dayfirst=": "--dayfirst or --monthfirst", "format=": "--format",
            "week_start=": "--week-start"}


def _hint(msg: str) -> str:
    """The command-line options for the read_log keywords that *msg* names, if any."""
    named = [opt for key, opt in _OPTIONS.items() if key in msg]
    return f" (on the command line: {'; '.join(named)})" if named else ""


def _reading(args) -> dict:
    """read_log's keywords from the command line (as notebook parameters: plain values)."""
    return {"client": args.client, "format": args.format, "week_start": args.week_start,
            "dayfirst": args.dayfirst}


def _validate(args) -> int:
    """``bactivate validate``: print how each row was read; 1 if any was set aside with a problem."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = read_log(args.log, errors="warn", **_reading(args))
    print(accounting_text(log, limit=None if args.all else 50))
    rej = log.attrs["rejected"]
    return 1 if (rej["kind"] == "problem").any() else 0


def _report(args) -> int:
    """``bactivate report``: render the report beside the log (or at ``-o``)."""
    src = Path(args.log)
    out = Path(args.output) if args.output else src.with_name(src.stem + "-report.html")
    # the notebook reads the log once; a log it cannot read stops the report with the loader's message
    reading = _reading(args)
    client = reading.pop("client")
    params = {"log_format": reading.pop("format"), **reading}
    path = render_report(src, out, client=client, parameters=params, keep_notebook=args.keep_notebook,
                         progress=True)
    print(terminal(f"report written to {path}"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
