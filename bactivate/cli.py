"""The ``bactivate`` command: ``report`` renders a client report, ``validate`` checks a log.

    bactivate report LOG [-o REPORT.html] [--client NAME]
    bactivate validate LOG

Both read the log locally; nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from bactivate.errors import LogError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bactivate",
        description="Behavioral activation activity logs: client reports and row checks.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="render a client's log as a self-contained HTML report")
    rep.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    rep.add_argument("-o", "--output", help="where to write the report (default: LOG-report.html)")
    rep.add_argument("--client", help="the client's name or id, if the log does not say")
    rep.add_argument("--keep-notebook", action="store_true",
                     help="also keep the executed notebook beside the report")
    val = sub.add_parser("validate", help="show how each row of a log was read: kept, set aside, why")
    val.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    val.add_argument("--client", help="the client's name or id")
    val.add_argument("--all", action="store_true", help="list every row set aside, not the first 50")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        return _report(args)
    except BrokenPipeError:  # the output was cut short (e.g. piped into `head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 0
    except (LogError, OSError) as exc:  # FileNotFoundError, PermissionError, ... are OSErrors
        msg = str(exc) if not isinstance(exc, OSError) or not exc.strerror else (
            f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror)
        print(f"bactivate: cannot read the log: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bactivate: stopped", file=sys.stderr)
        return 130


def _read(path: str, client: str | None):
    from bactivate.io import read_log

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_log(path, client=client, errors="warn")


def _validate(args) -> int:
    from bactivate.accounting import accounting_text

    log = _read(args.log, args.client)
    print(accounting_text(log, limit=None if args.all else 50))
    rej = log.attrs["rejected"]
    return 1 if (rej["kind"] == "problem").any() else 0


def _report(args) -> int:
    from bactivate.report import render_report

    src = Path(args.log)
    _read(args.log, args.client)  # a log that cannot be read stops here, with a clear message
    out = Path(args.output) if args.output else src.with_name(src.stem + "-report.html")
    path = render_report(src, out, client=args.client, keep_notebook=args.keep_notebook,
                         progress=True)
    print(f"report written to {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
