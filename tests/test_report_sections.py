"""The client report, section by section, on every kind of log a clinician brings (issue 15).

Each log is rendered once per audience (papermill and nbconvert, as ``bactivate
report`` does) and read back from the HTML: every section either has content
that is right for that log or one "Not recorded in this log" line; nothing
unrecorded is shown as zero; no "nan" anywhere; the client's version holds no
statistics words.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import realworld as rw

import bactivate as ba
from bactivate.report import render_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FORMATS = SAMPLE / "formats"

#: Words a client should not have to read (the client's version is checked against them).
STATS_WORDS = (r"\bq\b", r"\bp\b", r"p-value", r"Benjamini", r"Hochberg", r"bootstrap", r"\bOLS\b", r"\bpp\b",
               r"autocorrelation", r"confidence interval", r"\bCI\b", r"regression", r"significan",
               r"standard error", r"Cliff", r"Hedges", r"lag-1", r"t-test", r"\bTau\b", r"\bNAP\b",
               r"95%", r"interval")

NOT_RECORDED = "Not recorded in this log"


# --------------------------------------------------------------------------- the logs


def _mood_only(folder: Path) -> tuple[Path, dict]:
    rng = np.random.default_rng(3)
    days = pd.date_range("2026-03-02", periods=21, freq="D")
    rows = [f"{d:%Y-%m-%d},{h}:00,{rng.integers(2, 9)}" for d in days for h in (9, 14, 20)]
    path = folder / "mood-only.csv"
    path.write_text("Date,Time,Mood (0-10)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path, {}


def _no_avoidance(folder: Path) -> tuple[Path, dict]:
    log = ba.synth.client(weeks=4, seed=2, client="Sam")
    keep = log[["start", "activity", "category", "mastery", "pleasure", "mood"]]
    out = pd.DataFrame({"Date": keep["start"].dt.strftime("%Y-%m-%d"), "Time": keep["start"].dt.strftime("%H:%M"),
                        "Activity": keep["activity"], "Area": keep["category"],
                        "Mastery (0-10)": keep["mastery"].round(), "Pleasure (0-10)": keep["pleasure"].round(),
                        "Mood (0-10)": keep["mood"].round()})
    path = folder / "sam-diary.csv"
    out.to_csv(path, index=False)
    return path, {}


def _one_to_five(folder: Path) -> tuple[Path, dict]:
    log = ba.synth.client(weeks=3, seed=4, client="Robin")
    five = lambda s: (1 + s / 10 * 4).round().astype("Int64")  # noqa: E731
    out = pd.DataFrame({"Date": log["start"].dt.strftime("%Y-%m-%d"), "Time": log["start"].dt.strftime("%H:%M"),
                        "Activity": log["activity"], "Mastery (1-5)": five(log["mastery"]),
                        "Pleasure (1-5)": five(log["pleasure"]), "Mood (1-5)": five(log["mood"]),
                        "Avoidance": log["avoidance"].map({True: "yes", False: "no"})})
    path = folder / "robin.csv"
    out.to_csv(path, index=False)
    return path, {}


def _activities_only(folder: Path) -> tuple[Path, dict]:
    path = folder / "activities.csv"
    path.write_text("Date,Activity\n2026-03-02,Walk\n2026-03-02,Read\n2026-03-03,Walk\n2026-03-05,Gym\n"
                    "2026-03-09,Walk\n2026-03-10,Read\n", encoding="utf-8")
    return path, {}


def _no_dates(folder: Path) -> tuple[Path, dict]:
    path = folder / "no-dates.csv"
    path.write_text("Activity,Mastery (0-10),Pleasure (0-10)\nWalk,5,6\nRead,3,8\nGym,8,4\n", encoding="utf-8")
    return path, {}


def _diary(folder: Path) -> tuple[Path, dict]:
    truth = rw.diary_xlsx(folder)
    return truth.path, {"scales": {k: list(v) for k, v in truth.read_kw["scales"].items()}}


LOGS = {
    "sample": lambda folder: (SAMPLE / "client-alex.xlsx", {}),
    "diary": _diary,
    "mood-only": _mood_only,
    "activities-only": _activities_only,
    "no-dates": _no_dates,
    "no-avoidance": _no_avoidance,
    "one-to-five": _one_to_five,
    "daylio": lambda folder: (FORMATS / "daylio-export.csv", {}),
    "bearable": lambda folder: (FORMATS / "bearable-export.csv", {}),
    "imoodjournal": lambda folder: (FORMATS / "imoodjournal-export.csv", {}),
    "grid": lambda folder: (FORMATS / "weekly-schedule.xlsx", {}),
    "batd": lambda folder: (FORMATS / "batd-forms.xlsx", {}),
}


@functools.cache
def _folder() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="bactivate-report-sections-"))


@functools.cache
def rendered(name: str, audience: str = "clinician") -> str:
    """The report's HTML for one log and audience (rendered once per test session)."""
    folder = _folder()
    path, params = LOGS[name](folder)
    out = folder / f"{name}-{audience}.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        render_report(path, out, parameters={"audience": audience, **params})
    return out.read_text(encoding="utf-8")


def visible(html: str) -> str:
    """The text a reader sees: no scripts, styles or tags, entities decoded, spaces collapsed."""
    import html as html_lib

    body = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html_lib.unescape(body).split())


def sections(html: str) -> dict[str, str]:
    """Each h2 section's HTML, by its heading text (the anchor's pilcrow left out)."""
    parts = re.split(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    out = {}
    for head, body in zip(parts[1::2], parts[2::2], strict=True):
        out[visible(head).rstrip(" ¶")] = body
    return out


def has_content(body: str) -> bool:
    return any(tag in body for tag in ("<img", "<table", 'class="summary')) or NOT_RECORDED in body


# --------------------------------------------------------------------------- every log, every section


@pytest.mark.parametrize("name", list(LOGS))
def test_every_section_has_content_or_says_not_recorded(name):
    html = rendered(name)
    got = sections(html)
    assert {"Mastery and pleasure", "Mood and activities: your experiment", "Small wins",
            "Ideas for next week"} <= set(got), sorted(got)
    for head, body in got.items():
        if head.startswith("Appendix") or head == "How the log was read" and "<table" in body:
            continue
        # a section shows something, says the log does not record it, or says why not (a note)
        assert has_content(body) or "<em>" in body, (name, head)
    text = visible(html)
    assert not re.search(r"\bnan\b", text, re.I), (name, re.search(r".{60}\bnan\b.{60}", text, re.I))
    assert "Traceback" not in text and "Error" not in text


@pytest.mark.parametrize("name", ["mood-only", "no-avoidance", "daylio", "grid", "activities-only"])
def test_avoidance_never_shown_as_zero_when_not_recorded(name):
    got = sections(rendered(name))
    avoid = got["Avoidance: when and what"]
    assert f"{NOT_RECORDED}: avoidance" in visible(avoid)
    weekly = visible(got["Week by week"]) if "Week by week" in got else ""
    # the weekly table's avoidance column is a dash, never 0%
    assert "Avoidance" not in weekly or not re.search(r"\b0%\s*$", weekly)


def test_mood_only_log_says_what_it_lacks():
    got = {h: visible(b) for h, b in sections(rendered("mood-only")).items()}
    assert got["Mastery and pleasure"].count(NOT_RECORDED) == 2   # the map and the week-by-week one
    assert NOT_RECORDED in got["Mood and activities: your experiment"]
    assert NOT_RECORDED in got["Ideas for next week"]
    assert "<img" in sections(rendered("mood-only"))["Small wins"]  # the mood line is drawn


def test_a_log_whose_rows_have_no_dates_is_a_short_report_not_a_crash():
    got = {h: visible(b) for h, b in sections(rendered("no-dates")).items()}
    assert "3 0 0 3" in got["How the log was read"]           # 3 read, 0 used, 3 set aside: said, and why
    assert "no date column" in got["How the log was read"]
    assert f"{NOT_RECORDED}: dates of entries" in got["Week by week"]


def test_an_activities_only_log_counts_what_was_done():
    summary = visible(sections(rendered("activities-only", "client"))["In short"])
    assert "You logged 6 activities on 5 days" in summary
    got = {h: visible(b) for h, b in sections(rendered("activities-only")).items()}
    assert f"{NOT_RECORDED}: mastery and pleasure" in got["Mastery and pleasure"]
    assert "Walk" in got["Ideas for next week"]


def test_a_one_to_five_log_says_it_is_shown_on_zero_to_ten():
    text = visible(rendered("one-to-five"))
    assert "written on a 1-5 scale and is shown here on 0-10" in text


def test_a_log_without_plans_says_so_in_the_skipped_section():
    text = visible(sections(rendered("no-avoidance"))["Avoidance: when and what"])
    assert f"{NOT_RECORDED}: which activities were planned and done" in text


# --------------------------------------------------------------------------- two audiences


@pytest.mark.parametrize("name", ["sample", "daylio", "mood-only"])
def test_client_version_is_short_and_has_no_statistics_words(name):
    html = rendered(name, "client")
    heads = list(sections(html))
    assert heads[0] == "In short" and "Ideas for next week" in heads
    assert not {"How the log was read", "Avoidance: when and what", "Week by week"} & set(heads)
    assert not any(h.startswith("Appendix") for h in heads)
    text = visible(html)
    # alt text is what a screen reader says: it counts too
    text += " " + " ".join(re.findall(r'alt="([^"]*)"', html))
    found = [w for w in STATS_WORDS if re.search(w, text)]
    assert not found, [(w, re.search(f".{{50}}{w}.{{50}}", text).group(0)) for w in found]


def test_client_summary_is_drawn_from_the_numbers():
    summary = visible(sections(rendered("sample", "client"))["In short"])
    log = ba.read_log(SAMPLE / "client-alex.xlsx", errors="ignore")
    weekly = ba.progress(log)
    first, last = weekly.iloc[0], weekly.iloc[-1]
    assert f"went up from about {first['mood']:.1f} in the first week to {last['mood']:.1f}" in summary
    assert f"from {first['avoidance_share']:.0%} in the first week to {last['avoidance_share']:.0%}" in summary
    done = int((log["planned"].fillna(False) & log["done"].fillna(False)
                & ~log["avoidance"].fillna(False)).sum())
    assert f"{done} plans carried out" in summary


def test_clinician_version_has_the_appendix_and_accounting():
    got = sections(rendered("sample"))
    assert "How the log was read" in got and any(h.startswith("Appendix") for h in got)
    assert "In short" not in got


def test_report_dates_are_the_data_dates():
    log = ba.read_log(SAMPLE / "client-alex.xlsx", errors="ignore")
    last = log["start"].max()
    text = visible(rendered("sample"))
    assert f"to {last.day} {last:%b %Y}" in text
    assert dt.date(2026, 1, 1) <= last.date()
