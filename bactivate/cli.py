"""The ``bactivate`` command: ``report`` renders a client report, ``validate`` checks a log.

    bactivate report LOG [-o REPORT.html] [--for clinician|client] [--keep-notebook] [READING OPTIONS]
    bactivate validate LOG [--all] [READING OPTIONS]
    bactivate notebook NAME [--log LOG] [--client C] [-o FOLDER] [--force] [--lab [-- LAB OPTIONS]]
    bactivate plan LOG [-o NEXT-WEEK.xlsx|.csv|.html] [--goals N] [--include NAME] [--exclude NAME]
                   [--plan-start YYYY-MM-DD] [--by-day] [--force] [READING OPTIONS]
    bactivate --version                   (also: python -m bactivate ...)

    READING OPTIONS (what read_log takes, in shell form; see bactivate.options):
      --options FILE.toml          any of the options below, written once per client
      --format FORMAT              auto, long, tidy, daylio, bearable, grid, batd
      --client NAME                the client's name or id, if the log does not say
      --sheet NAME                 only this sheet ('#2': the second); repeat for several
      --dayfirst | --monthfirst    03/04/2026 is 3 April | March 4
      --week-start YYYY-MM-DD      a weekly grid naming only weekdays: its first day
      --mood LABEL=VALUE           a mood label's value on 0-10 (10 = best); repeat per label
      --scale COLUMN=LOW-HIGH      a rating's scale: mood=1-5, mood=-3..3; repeat per column
                                   (high end first for a reversed item: mood=10-0)
      --na CODE                    a missing-value code (-99, NA, .): the cell is blank; repeat
      --column "HEADER=FIELD"      a header the loader does not know: "How I feel=mood"
      --activity-map FILE          a CSV of written,activity: names to merge
      --values FILE                the client's values map: activity,value[,importance 0-10]

    The command line wins over --options: a single value replaces the file's; --mood,
    --scale and --column add to the file's tables, --na to its na = [...] list. Options are spelled out in full
    (``--for`` is not taken as ``--format``).

``notebook`` copies a template notebook (client-report, cohort-comparison, teaching-demo)
into a working folder git ignores (``work/`` by default), its parameters filled in, and with
``--lab`` opens JupyterLab on it (see :mod:`bactivate.workspace`).

``report`` ends with one line of accounting: how many of the log's rows the
report uses, and how many have problems (with the ``validate`` command that lists them).

Both read the log locally; nothing is sent anywhere. An output never replaces
an input: ``-o`` naming the log itself (also through ``./``, a symlink or a hard
link), a folder, or a place that cannot be written stops the command before any
work, and a report is written whole or not at all. Text from the log (cells,
file and sheet names) is printed with control characters shown as ``\\x1b``,
so a cell cannot clear or recolour the terminal.

Exit status: 0 done; 1 cells left blank or rows set aside, listed (``validate``), or
the report notebook stopped on this log; 2 nothing done, with one line on
stderr: a reading option is wrong (the line names it and the fix), the log
cannot be read, the output cannot be written, a package that runs the report is
missing, or its Jupyter kernel did not start.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shlex
import sys
import warnings
from datetime import date
from pathlib import Path

from bactivate import __version__
from bactivate.errors import LogError
from bactivate.escape import terminal
from bactivate.io.accounting import accounting_text
from bactivate.io.names import likely_synonyms, synonym_lines
from bactivate.io.problems import PROBLEM_KINDS, counts
from bactivate.io.read import read_log
from bactivate.options import (
    FORMAT_CHOICES,
    OptionError,
    command_line_forms,
    command_line_hint,
    reading_options,
)
from bactivate.outputs import OutputError, check_output
from bactivate.plan import plan_week, write_plan
from bactivate.report import AUDIENCES, NOTEBOOKS, ReportError, SetupError, render_report
from bactivate.workspace import WORK, WorkspaceError, check_lab, copy_template, open_lab


def _day(text: str) -> str:
    """*text* as an ISO date (YYYY-MM-DD), or argparse's error naming it."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give it as YYYY-MM-DD") from None


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """The options that say how to read the log (what read_log takes), shared by every command."""
    group = parser.add_argument_group(
        "how to read the log",
        "what read_log takes, in shell form. Repeat --sheet, --mood, --scale, --column and --na as often as "
        "needed. Given here, an option wins over the --options file.")
    group.add_argument("--options", metavar="FILE.toml",
                       help="read any of these options from a TOML file written once per client, e.g. "
                            'format = "daylio", then a [mood] table: ecstatic = 10 and down = 2')
    group.add_argument("--client", metavar="NAME", help="the client's name or id, if the log does not say")
    group.add_argument("--format", choices=FORMAT_CHOICES, default=None,
                       help="the log's layout (default: auto, told apart from the headers and cells)")
    group.add_argument("--sheet", action="append", default=[], metavar="NAME",
                       help="read only this sheet of a workbook, e.g. --sheet 'Week 2'; '#2' is the "
                            "second sheet; repeat for several")
    group.add_argument("--week-start", type=_day, metavar="YYYY-MM-DD",
                       help="for a weekly grid whose columns name only weekdays: "
                            "the first day of the first sheet's week")
    order = group.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="read dates like 03/04/2026 as 3 April, when the data do not tell")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="read dates like 03/04/2026 as March 4, when the data do not tell")
    group.add_argument("--mood", action="append", default=[], metavar="LABEL=VALUE",
                       help="a mood label and its value on 0-10 (10 = best), once per label, e.g. "
                            "--mood ecstatic=10 --mood down=2; Daylio's rad, good, meh, bad, awful "
                            "stay known")
    group.add_argument("--scale", action="append", default=[], metavar="COLUMN=LOW-HIGH",
                       help="the scale of a rating column (mastery, pleasure, mood, effort), e.g. "
                            "--scale mood=1-5, --scale mood=-3..3 or --scale 'mood=-3 to 3'; high end "
                            "first for a reversed item (higher = worse): --scale mood=10-0")
    group.add_argument("--na", action="append", default=[], metavar="CODE",
                       help="a code the file writes for a missing answer, e.g. --na -99 --na NA: "
                            "each such cell is read as blank (its row kept); repeat for several")
    group.add_argument("--column", action="append", default=[], metavar='"HEADER=FIELD"',
                       help='what a header holds, e.g. --column "How I feel=mood"; FIELD none keeps '
                            "the column as an extra column")
    group.add_argument("--activity-map", metavar="FILE",
                       help="names to merge: a CSV of two columns, the name as written and the "
                            "activity, e.g. a line: food shopping,Food shop")
    group.add_argument("--values", metavar="FILE",
                       help="the client's values map: a CSV, XLSX or TOML file with the columns "
                            "Activity, Value and (optionally) Importance (0-10), e.g. a line: "
                            "Walk in the park,Health,8 (see docs/values.md)")


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
        The exit status: 0 done; 1 ``validate`` left cells blank or set rows aside, or
        the report's notebook stopped; 2 the log cannot be read, an output
        cannot be written, or the report cannot run here; 130 interrupted.

    Examples
    --------
    >>> status = main(["validate", "data/sample/client-alex.xlsx"])  # doctest: +ELLIPSIS
    client-alex.xlsx: 235 rows read, 234 kept (2 with cells left blank), 0 set aside, 1 not an entry
    ...
    >>> status
    1
    """
    parser = _Parser(
        prog="bactivate",
        description="Behavioral activation activity logs: client reports and row checks.",
        allow_abbrev=False,  # an abbreviation is never guessed: --for is not --format
    )
    parser.add_argument("--version", action="version", version=f"bactivate {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="render a client's log as a self-contained HTML report",
                         allow_abbrev=False)
    rep.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    rep.add_argument("-o", "--output", help="where to write the report (default: LOG-report.html); "
                                            "never the log itself")
    rep.add_argument("--for", dest="audience", choices=AUDIENCES, default=AUDIENCES[0],
                     help="who the report is for: clinician (default: every table, the row "
                          "accounting, methods and a glossary) or client (short and plain, to hand over)")
    _reading_options(rep)
    rep.add_argument("--keep-notebook", action="store_true",
                     help="also keep the executed notebook beside the report")
    val = sub.add_parser("validate", help="show how each row of a log was read: kept, set aside, why",
                         allow_abbrev=False)
    val.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    _reading_options(val)
    val.add_argument("--all", action="store_true", help="list every row set aside, not the first 50")
    _notebook_parser(sub)
    _plan_parser(sub)
    argv = sys.argv[1:] if argv is None else list(argv)
    lab_options = []
    if argv[:1] == ["notebook"] and "--" in argv:  # what follows -- is for JupyterLab
        cut = argv.index("--")
        argv, lab_options = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)

    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "notebook":
            return _notebook(args, lab_options)
        if args.command == "plan":
            return _plan(args)
        return _report(args)
    except WorkspaceError as exc:  # a template that cannot be copied or opened: nothing written
        _say(f"bactivate: {exc}")
        return 2
    except BrokenPipeError:  # the output was cut short (e.g. piped into `head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 0
    except OptionError as exc:  # a reading option that cannot be used: nothing read
        _say(f"bactivate: {exc}")
        return 2
    except OutputError as exc:  # checked before any work: nothing was written
        _say(f"bactivate: {exc}")
        return 2
    except (LogError, OSError) as exc:  # FileNotFoundError, PermissionError, ... are OSErrors
        msg = str(exc) if not isinstance(exc, OSError) or not exc.strerror else (
            f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror)
        _say(f"bactivate: cannot read the log: {msg}{command_line_hint(msg)}")
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


def _notebook_parser(sub) -> None:
    """The ``notebook`` command's arguments."""
    nb = sub.add_parser("notebook", allow_abbrev=False,
                        help="copy a template notebook into a working folder git ignores, and open it",
                        description="Copy a template notebook into a working folder that git ignores "
                                    "(the templates in notebooks/ stay as they are), its parameters "
                                    "filled in. Options after -- go to JupyterLab (with --lab).")
    nb.add_argument("name", metavar="NAME", help=f"the template: {', '.join(NOTEBOOKS)}")
    nb.add_argument("--log", metavar="LOG",
                    help="the activity log (client-report) or the cohort's folder (cohort-comparison); "
                         "a relative path is looked for here, then in the project's folder")
    nb.add_argument("--client", metavar="NAME", help="the client's name or id, if the log does not say")
    nb.add_argument("-o", "--output", metavar="FOLDER", default=WORK,
                    help=f"the working folder (default: {WORK}/, which git ignores); inside a git "
                         "repository, one that git ignores")
    nb.add_argument("--force", action="store_true",
                    help="replace a working copy that is already there with a fresh one")
    nb.add_argument("--lab", action="store_true",
                    help="then open JupyterLab on the copy (a copy already there is opened as it is)")


def _notebook(args, lab_options: list[str]) -> int:
    """``bactivate notebook``: copy the template (and open Lab on it with ``--lab``)."""
    if lab_options and not args.lab:
        _say("bactivate: the options after -- are for JupyterLab: add --lab")
        return 2
    if args.lab:
        check_lab()  # before anything is copied
    target = Path(args.output) / f"{args.name}.ipynb"
    try:
        if args.lab and target.exists() and not args.force and args.log is None and args.client is None:
            print(terminal(f"{target}: your working copy, opened as it is (--force starts it again "
                           f"from the template)"))
        else:
            target = copy_template(args.name, args.output, log=args.log, client=args.client,
                                   force=args.force)
            print(terminal(f"{target}: a working copy of the {args.name} template (git does not track it); "
                           f"change its parameters, then Run All"))
    except FileNotFoundError as exc:  # --log is not there: the message names the folders tried
        _say(f"bactivate: {exc}")
        return 2
    if args.lab:
        open_lab(target, options=lab_options)
    else:
        print(terminal(f"Open it in JupyterLab: bactivate notebook {args.name} --lab (or make lab)"))
    return 0


def _plan_parser(sub) -> None:
    """The ``plan`` command's arguments."""
    pl = sub.add_parser("plan", allow_abbrev=False,
                        help="write next week's monitoring sheet, the micro-goals filled in",
                        description="Write next week's monitoring sheet from a client's log: every day "
                                    "at the client's usual hours, the suggested micro-goals filled in as "
                                    "planned activities. The client fills it in; bactivate report reads "
                                    "it back with no options. .html gives the printable version.")
    pl.add_argument("log", help="the activity log (CSV, XLSX, ODS or Parquet)")
    pl.add_argument("-o", "--output", metavar="FILE",
                    help="where to write the plan: .xlsx, .csv or .html (printable) (default: "
                         "LOG-next-week.xlsx in the current folder); never the log itself")
    pl.add_argument("--goals", type=int, default=3, metavar="N", help="how many micro-goals (default 3)")
    pl.add_argument("--include", action="append", default=[], metavar="NAME",
                    help="plan this activity whatever the suggestions say; repeat for several")
    pl.add_argument("--exclude", action="append", default=[], metavar="NAME",
                    help="never plan this activity; repeat for several")
    pl.add_argument("--plan-start", type=_day, metavar="YYYY-MM-DD",
                    help="the plan's first day (default: the Monday after the log's last day); "
                         "--week-start is the reading option for weekly grids")
    pl.add_argument("--by-day", action="store_const", const=True, default=None,
                    help="one sheet per day (default: when the log's own sheets are named for days)")
    pl.add_argument("--force", action="store_true", help="replace a plan already there")
    _reading_options(pl)


def _plan(args) -> int:
    """``bactivate plan``: next week's sheet; 1 when the log was read with problems (listed by validate)."""
    src = Path(args.log)
    out = Path(args.output) if args.output else Path(f"{src.stem}-next-week.xlsx")
    if out.suffix.lower() not in (".xlsx", ".csv", ".html", ".htm"):
        _say(f"bactivate: cannot write the plan: {out} is not .xlsx, .csv or .html")
        return 2
    if args.goals < 0:
        _say(f"bactivate: --goals {args.goals}: give 0 or more")
        return 2
    # before any reading: never the log itself, never a plan already there unless --force
    check_output(out, "the plan", inputs=[src], source="the log", example=f"{src.stem}-next-week.xlsx",
                 instead=f"{src.stem}-next-week.xlsx")
    if out.exists() and not args.force:
        _say(f"bactivate: cannot write the plan: {out} is already there; give another name with -o, "
             f"or --force to replace it")
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = read_log(args.log, errors="warn", **_reading(args))
    try:
        plan = plan_week(log, n=args.goals, include=args.include, exclude=args.exclude,
                         week_start=args.plan_start, by_day=args.by_day)
    except ValueError as exc:  # several clients in one log, more goals than the week holds
        _say(f"bactivate: no plan written: {exc}")
        return 2
    path = write_plan(plan, out, force=args.force)
    goals = plan.attrs["goals"]
    print(terminal(f"{path}: next week's plan for {plan.attrs['client'] or 'the client'}, week of "
                   f"{plan.attrs['week_start']:%Y-%m-%d}, {len(goals)} micro-goal"
                   f"{'' if len(goals) == 1 else 's'}"))
    for goal in goals.itertuples():  # a handful of goals
        print(terminal(f"  {goal.activity}: {goal.when}"))
    if path.suffix.lower() in (".html", ".htm"):
        print(terminal("Print it for the client (one landscape page); for a sheet that bactivate "
                       "reads back, write -o NAME.xlsx"))
    else:
        print(terminal(f"When it comes back filled in: bactivate report {path}"))
    line = used_text(log, _validate_command(args))
    print(terminal(line))
    rej = log.attrs["rejected"]
    return 1 if len(rej) and rej["kind"].isin(PROBLEM_KINDS).any() else 0


def _say(message: str) -> None:
    """One line on stderr, its text (file names, cell values) safe for the terminal."""
    print(terminal(message), file=sys.stderr)


#: whether this read_log takes activity_map= (the loader's synonym merging); until it does,
#: --activity-map is checked and then refused rather than silently left out
TAKES_ACTIVITY_MAP = "activity_map" in inspect.signature(read_log).parameters


def _reading(args) -> dict:
    """read_log's keywords from the command line and ``--options`` (as notebook parameters: plain values).

    ``format``, ``client``, ``week_start`` and ``dayfirst`` are always there (None when not
    given); the others only when given.
    """
    given = reading_options(options=args.options, format=args.format, client=args.client,
                            sheet=args.sheet, dayfirst=args.dayfirst, week_start=args.week_start,
                            mood=args.mood, scale=args.scale, column=args.column,
                            activity_map=args.activity_map, values=args.values, na=args.na)
    if "activity_map" in given and not TAKES_ACTIVITY_MAP:
        where = "--activity-map" if args.activity_map is not None else f"{args.options}: activity_map"
        raise OptionError(f"{where}: this version of bactivate cannot merge activity names yet "
                          "(read_log has no activity_map=); leave it out for now")
    return {"client": given.pop("client", None), "format": given.pop("format", "auto"),
            "week_start": given.pop("week_start", None), "dayfirst": given.pop("dayfirst", None),
            **given}


def _validate(args) -> int:
    """``bactivate validate``: print how each row was read; 1 if a cell was left blank or a row set aside."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = read_log(args.log, errors="warn", **_reading(args))
    text = accounting_text(log, limit=None if args.all else 50)
    print(text)
    lines = synonym_lines(likely_synonyms(log))
    if lines:  # names the loader did not merge but that look like one activity
        print()
        for line in lines:  # names from the log, made safe line by line
            print(terminal(line))
    named = [f"{key} is {opt}" for key, opt in command_line_forms(text)]
    if named:  # the reasons and notes name read_log's keywords: say them as options too
        print()
        print(terminal(f"On the command line, {'; '.join(named)}."))  # headers from the log, made safe
    rej = log.attrs["rejected"]
    return 1 if rej["kind"].isin(PROBLEM_KINDS).any() else 0


def _report(args) -> int:
    """``bactivate report``: render the report beside the log (or at ``-o``)."""
    src = Path(args.log)
    out = Path(args.output) if args.output else src.with_name(src.stem + "-report.html")
    # the notebook reads the log once; a log it cannot read stops the report with the loader's message
    reading = _reading(args)
    client = reading.pop("client")
    # mood_map, scales, columns, sheet and activity_map only when given: the notebook's own
    # defaults (None) stand otherwise
    params = {"log_format": reading.pop("format"), **reading}
    path = render_report(src, out, client=client, audience=args.audience, parameters=params,
                         keep_notebook=args.keep_notebook)
    print(terminal(f"report written to {path}"))
    line, problems = _used_line(args)
    if line:
        print(terminal(line))
    return 1 if problems else 0  # as validate: 1 when cells were left blank or rows set aside


def _used_line(args) -> tuple[str | None, bool]:
    """One line: how many of the log's rows the report uses, how many have problems, and the
    ``validate`` command that lists them (None if the log cannot be read here again); and
    whether any cell or row has a problem."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            log = read_log(args.log, errors="ignore", **_reading(args))
    except Exception:  # the report is written: a second reading that fails costs only this line
        return None, False
    rej = log.attrs.get("rejected")
    problems = rej is not None and len(rej) > 0 and bool(rej["kind"].isin(PROBLEM_KINDS).any())
    return used_text(log, _validate_command(args)), problems


def used_text(log, validate: str) -> str:
    """How many of *log*'s rows are used, set aside and not entries, in one line.

    Parameters
    ----------
    log : DataFrame
        A log as :func:`bactivate.read_log` returns it (its ``attrs["rejected"]`` is counted).
    validate : str
        The command that lists the problems, named when there are any.

    Returns
    -------
    str
        E.g. ``"233 of 235 rows used (2 with cells left blank), 1 not an entry; 2 with
        problems: bactivate validate log.xlsx"``.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"source": ["f.csv:2", "f.csv:3", "f.csv:4"]})
    >>> log.attrs["rejected"] = pd.DataFrame({"source": ["f.csv:3", "f.csv:5", "f.csv:6"],
    ...                                       "column": ["Mood", "Date", None],
    ...                                       "kind": ["cell", "row", "not an entry"]})
    >>> used_text(log, "bactivate validate f.csv")
    '3 of 5 rows used (1 with cells left blank); 1 set aside; 1 not an entry; 2 with problems: bactivate validate f.csv'
    >>> log.attrs["rejected"] = log.attrs["rejected"].iloc[:0]
    >>> used_text(log, "bactivate validate f.csv")
    'all 3 rows used'
    """
    n = counts(log.attrs.get("rejected"))
    used = int(log["source"].nunique()) if "source" in log else len(log)
    read = used + n["set_aside"] + n["not_entries"]
    text = f"all {used} rows used" if read == used else f"{used} of {read} rows used"
    if n["rows_with_cells"]:
        text += f" ({n['rows_with_cells']} with cells left blank)"
    if n["set_aside"]:
        text += f"; {n['set_aside']} set aside"
    if n["not_entries"]:
        text += f"; {n['not_entries']} {'not an entry' if n['not_entries'] == 1 else 'not entries'}"
    problems = n["rows_with_cells"] + n["set_aside"]
    if problems:
        text += f"; {problems} with problems: {validate}"
    return text


def _validate_command(args) -> str:
    """The ``bactivate validate`` command line for the log *args* names, with its reading options."""
    words = ["bactivate", "validate", args.log]
    for option, value in (("--options", args.options), ("--client", args.client), ("--format", args.format),
                          ("--week-start", args.week_start), ("--activity-map", args.activity_map),
                          ("--values", getattr(args, "values", None))):
        if value is not None:
            words += [option, str(value)]
    if args.dayfirst is not None:
        words.append("--dayfirst" if args.dayfirst else "--monthfirst")
    for option, values in (("--sheet", args.sheet), ("--mood", args.mood), ("--scale", args.scale),
                           ("--column", args.column)):
        for value in values:
            words += [option, str(value)]
    return shlex.join(words)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
