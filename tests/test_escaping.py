"""Client text is never markup and never mathtext (issue 12, "Safe by construction II").

Whatever a client typed (an activity, a category, a note, a rating cell, a file or sheet
name) is shown as typed: in the HTML report it is escaped text, never a live ``<script>`` or
an ``<img>`` that calls a third party; in a figure it is never parsed as matplotlib
mathtext (``Groceries $40 #budget, gas $30`` stopped the report).

Every input is built here, in ``tmp_path``. The report is rendered once for the module.
"""

from __future__ import annotations

import csv
import warnings
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest
from matplotlib.text import Text

import bactivate as ba
from bactivate.report import render_report

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src="https://example.org/x.png">'
AMP = "Tom & Jerry"
MONEY = "Groceries $40 #budget, gas $30"
CATEGORY = "<b>cat</b> & co"
NOTE = '<script>alert("note")</script>'
FILE = "<img src=x onerror=alert(1)>"
SHEET = "<img src=y onerror=alert(3)>"  # a sheet name cannot hold '/', so no closing tag


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Page(HTMLParser):
    """The tags, their attributes, the script bodies and the visible text of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self._in: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "td", "th"):
            self._in.append(tag)
            if tag != "script":
                self.cells.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
            return
        self.text.append(data)
        if self._in:
            self.cells[-1] += data

    @property
    def visible(self) -> str:
        return "".join(self.text)


def assert_inert(html: str) -> Page:
    """No client payload is live markup in *html*: no script that alerts, no onerror, no <b>
    from a cell, every image an inline data: URI, nothing escaped twice."""
    page = Page(html)
    assert not [s for s in page.scripts if "alert" in s]
    assert not [(t, a) for t, a in page.tags if any(k.startswith("on") for k in a)]
    assert not [a for t, a in page.tags if t == "img" and not str(a.get("src", "")).startswith("data:")]
    assert "<b>cat</b>" not in html and "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=alert", "")  # only as escaped text
    assert "&amp;amp;" not in html and "&amp;lt;" not in html  # never escaped twice
    return page


# --------------------------------------------------------------------------- the rendered report


def _payload_log(folder) -> str:
    """A 3-week daily CSV log whose activities, a category, a note, a rating cell and the file
    name carry payloads."""
    activities = [SCRIPT, IMAGE, AMP, MONEY, "Walk"]
    rows = [["Date", "Time", "Activity", "Category", "Mastery (0-10)", "Pleasure (0-10)", "Mood (0-10)",
             "Note"]]
    first = pd.Timestamp("2026-03-02")
    for day in range(21):
        for j, activity in enumerate(activities):
            if (day + j) % 3 == 0:  # each activity on some days and not others: mood is compared
                continue
            rows.append([(first + pd.Timedelta(days=day)).strftime("%Y-%m-%d"), f"{8 + 3 * j:02d}:00",
                         activity, CATEGORY if j == 4 else "Self-care", (day + 2 * j) % 11,
                         (3 * day + j) % 11, (day + 4 * j) % 11, NOTE if day == 1 else ""])
    rows[5][4] = SCRIPT  # a rating cell: shown, with its raw value, in the problems table
    path = folder / f"{FILE}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    out = render_report(_payload_log(folder), folder / "report.html")
    return out.read_text(encoding="utf-8")


def test_report_shows_client_text_as_text(report):
    page = assert_inert(report)
    for text in (SCRIPT, IMAGE, AMP, MONEY, FILE):  # (the category is only in a figure's legend)
        assert text in page.visible, text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "Tom &amp; Jerry" in report
    # the rejected rating cell, with its raw value, and the activities are table cells
    for text in (SCRIPT, IMAGE, AMP, MONEY, f"{FILE}.csv"):
        assert text in page.cells, text


def test_report_keeps_its_own_html(report):
    """Escaping client text does not escape the report's own markup: tables, headings, images."""
    page = Page(report)
    tags = [t for t, _ in page.tags]
    # accounting, problems, balance, mood, progress, trend, ideas (low-mood hours only when one is reliably low)
    assert tags.count("table") >= 7 and tags.count("h2") >= 5
    # the figures: balance, weeks, mood, the mood heat map, progress, wins (this log marks no
    # avoidance: its map is one "not recorded in this log" line, never a map of zeros)
    assert tags.count("img") >= 6 and "Not recorded in this log: avoidance" in report
    assert "&lt;table" not in report and "&lt;td" not in report and "&lt;h2" not in report


# --------------------------------------------------------------------------- tables and notes


def _html_log():
    log = ba.synth.client(weeks=4, seed=1)
    names = sorted(log["activity"].dropna().unique())
    payloads = [SCRIPT, IMAGE, AMP, MONEY, FILE]
    rename = {a: payloads[i] if i < len(payloads) else a for i, a in enumerate(names)}
    log["activity"] = log["activity"].map(rename).astype("string")
    log["category"] = log["category"].astype("str").replace({"Leisure": CATEGORY}).astype("string")
    return log


def test_present_table_escapes_client_text():
    log = _html_log()
    av = ba.avoidance(log)
    frames = {"balance": ba.balance(log), "mood": ba.mood_by_activity(log, min_days=2),
              "skipped": av["skipped"], "suggest": ba.suggest_next(log, n=30, min_days=2),
              "progress": ba.progress(log), "low_mood": av["low_mood"]}
    frames["category"] = ba.balance(log, by="category")
    seen = set()
    for view, frame in frames.items():
        html = ba.present.table(frame, "balance" if view == "category" else view).to_html()
        page = assert_inert(html)
        assert {t for t, _ in page.tags} <= {"style", "table", "thead", "tbody", "tr", "th", "td"}, view
        seen |= set(page.cells)
    for text in (SCRIPT, IMAGE, AMP, MONEY, FILE, CATEGORY):
        assert text in seen, text


def test_present_table_escapes_file_sheet_and_cell(tmp_path):
    """A sheet name, a file name and a rejected cell's raw value, in the accounting and
    problems tables."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["Date", "Time", "Activity", "Mastery (0-10)", "Pleasure (0-10)", "Mood (0-10)"])
    for day in range(1, 8):
        sheet.append([f"2026-03-0{day}", "09:00", AMP, SCRIPT if day == 3 else 5, 6, 7])
    path = tmp_path / f"{FILE}.xlsx"
    book.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        log = ba.read_log(path)
    accounting = ba.present.table(ba.accounting(log), "accounting").to_html()
    problems = ba.present.table(log.attrs["rejected"], "problems").to_html()
    shown = " ".join(assert_inert(accounting).cells) + " ".join(assert_inert(problems).cells)
    for text in (FILE, SHEET, SCRIPT):
        assert text in shown, text


def test_present_table_does_not_escape_twice_nor_typeset():
    frame = ba.balance(_html_log())
    html = ba.present.table(frame, "balance").to_html()
    assert "Tom &amp; Jerry" in html and "&amp;amp;" not in html
    assert "tex2jax_ignore" in html  # a notebook's MathJax leaves '$40 ... $30' as typed


def test_present_note_escapes_markup():
    text = f"{SCRIPT} {IMAGE} {AMP} in 'week 2', mood ~ week * arm"
    note = ba.present.note(text)
    assert "<script>" not in note.data and "<img" not in note.data
    page = assert_inert(note.data)
    assert page.visible == text  # as typed: no address made a link, no '*' made emphasis
    assert [t for t, _ in page.tags] == ["p", "em"]


# --------------------------------------------------------------------------- figures

TRICKY = (MONEY, "$x^2$ stretch", "snake_case a^b", r"back\slash {braces} \$5", "Tom & Jerry $5 $6",
          r"$\frac{1}{2}$ hour", "$$ two $", "price: $3")


def _shown(text: Text) -> str:
    """The text matplotlib shows for *text*: escaped dollars unescaped, mathtext would be parsed."""
    shown, ismath = text._preprocess_math(text.get_text())
    assert ismath is False, f"parsed as mathtext: {text.get_text()!r}"
    return shown


@pytest.fixture(scope="module")
def tricky_log():
    log = ba.synth.client(weeks=4, seed=1)
    names = log["activity"].value_counts().index  # most frequent first: they get the tricky names
    rename = {a: f"{TRICKY[i % len(TRICKY)]} #{i}" for i, a in enumerate(names)}
    log["activity"] = log["activity"].map(rename).astype("string")
    cats = sorted(log["category"].dropna().unique())
    log["category"] = log["category"].map(
        {c: f"{c} ${i} & {TRICKY[i % len(TRICKY)]}" for i, c in enumerate(cats)}).astype("string")
    return log


def _draw(out):
    fig = out if isinstance(out, plt.Figure) else out.figure
    fig.canvas.draw()
    return fig, {_shown(t) for t in fig.findobj(Text)}


def test_every_plot_draws_client_text_as_typed(tricky_log):
    log = tricky_log
    activities = set(log["activity"].dropna())
    categories = set(log["category"].dropna())
    drawn = {}
    for name in ba.plot.__all__:
        fn = getattr(ba.plot, name)
        if name == "mood_by_activity":
            out = fn(ba.mood_by_activity(log, min_days=2), show_untested=True)
        elif name == "phase_effect":
            out = fn(log, baseline=[1, 2])
        elif name == "balance":
            out = fn(log, label_top=100)
        else:
            out = fn(log)
        drawn[name] = _draw(out)[1]
        plt.close("all")
    assert set(ba.plot.__all__) >= {"balance", "mood_by_activity", "avoidance", "progress", "timeline"}
    shown_mood = drawn["mood_by_activity"]
    assert set(ba.mood_by_activity(log, min_days=2)["activity"]) <= shown_mood
    assert set(ba.balance(log)["activity"]) <= drawn["balance"]  # one label per activity
    assert len(set(ba.balance(log)["activity"])) > len(activities) / 2
    assert categories <= drawn["balance"]  # the legend's entries
    skipped = ba.avoidance(log)["skipped"]
    assert set(skipped.loc[skipped["by"] == "activity", "level"]) <= drawn["skipped"]


def test_balance_by_category_and_ticks_are_the_clients_text(tricky_log):
    ax = ba.plot.balance(ba.balance(tricky_log, by="category"))
    _, shown = _draw(ax)
    assert set(tricky_log["category"].dropna()) <= shown
    ax = ba.plot.mood_by_activity(ba.mood_by_activity(tricky_log, min_days=2), show_untested=True)
    _draw(ax)
    ticks = [_shown(t) for t in ax.get_yticklabels()]
    assert set(ticks) == set(ba.mood_by_activity(tricky_log, min_days=2)["activity"])


def test_money_activity_alone_does_not_stop_a_plot():
    """The reported case: one activity with two dollar amounts."""
    log = ba.synth.client(weeks=4, seed=1)
    log["activity"] = log["activity"].astype("str").replace({"Grocery shopping": MONEY})
    for fn in (ba.plot.balance, ba.plot.mood_by_activity, ba.plot.skipped):
        _, shown = _draw(fn(log))
        plt.close("all")
    _, shown = _draw(ba.plot.balance(log, label_top=100))
    assert MONEY in shown


def test_balance_legend_shows_categories_named_like_its_columns():
    """The legend was renamed after drawing, text by text: a category called "entries" or
    "category" became "Entries (point size)" or "Category"."""
    log = ba.synth.client(weeks=4, seed=1)
    log["category"] = log["category"].astype("str").replace({"Leisure": "entries", "Self-care": "category"})
    _, shown = _draw(ba.plot.balance(log))
    assert {"entries", "category", "Entries (point size)", "Category"} <= shown


def test_trajectory_plot_shows_arm_names_as_typed():
    from bactivate.cohort.trajectory import plot_trajectory

    cohort, roster = ba.synth.cohort(n_clients=8, weeks=4, seed=3)
    arms = {a: f"{a} ${i} arm $" for i, a in enumerate(sorted(roster["arm"].unique()))}
    roster = roster.assign(arm=roster["arm"].map(arms))
    fig, ax = plt.subplots()
    plot_trajectory(cohort, group="arm", value="mood", roster=roster, ax=ax)
    fig.canvas.draw()
    shown = sorted(_shown(t).split(" (n=")[0] for t in ax.get_legend().get_texts())
    assert shown == sorted(arms.values())
    plt.close(fig)
