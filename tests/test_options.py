"""``bactivate.options``: read_log's keywords in shell form (``--mood``, ``--scale``, ``--column``,
``--sheet``, ``--activity-map``) and in an options file (TOML); one-line messages for bad ones."""

from __future__ import annotations

import json

import pytest

from bactivate.io.headers import FIELDS
from bactivate.options import (
    FILE_KEYS,
    OptionError,
    parse_column,
    parse_mood,
    parse_range,
    parse_scale,
    parse_sheet,
    read_activity_map,
    read_options_file,
    reading_options,
)

# --------------------------------------------------------------------------- one value


@pytest.mark.parametrize(("text", "pair"), [
    ("1-5", [1, 5]), ("0-100", [0, 100]), ("1 - 7", [1, 7]), ("1..5", [1, 5]), ("1–5", [1, 5]),
    ("-3-3", [-3, 3]), ("-3..3", [-3, 3]), ("-3 to 3", [-3, 3]), ("-3 TO 3", [-3, 3]), ("−3..3", [-3, 3]),
    ("-5--1", [-5, -1]), ("0.5-4.5", [0.5, 4.5]), ("+1-+5", [1, 5]),
])
def test_range_grammar(text, pair):
    got = parse_range(text)
    assert got == pair and [type(v) for v in got] == [type(v) for v in pair]


@pytest.mark.parametrize("text", ["5", "1-", "-5", "one-five", "1,5", "1-5-7", "", "1 5", "1-5 points"])
def test_range_grammar_rejects(text):
    assert parse_range(text) is None


def test_scale():
    assert parse_scale("mood=1-5") == ("mood", [1, 5])
    assert parse_scale(" Mood = -3 to 3 ") == ("mood", [-3, 3])
    assert parse_scale("effort=0..100") == ("effort", [0, 100])


@pytest.mark.parametrize(("text", "says"), [
    ("mood", "--scale 'mood': write it as COLUMN=LOW-HIGH, e.g. --scale mood=1-5"),
    ("mood=5", "--scale 'mood=5': give the scale's two ends as LOW-HIGH, e.g. --scale mood=1-5"),
    ("mood=5-5", "the two ends are the same; give e.g. --scale mood=1-5"),  # 5-1: a reversed item
    ("mood=3-3", "the two ends are the same; give e.g. --scale mood=1-5"),
    ("energy=1-5", "'energy' is not a rating; scales apply to mastery, pleasure, mood, effort, "
                   "e.g. --scale mood=1-5"),
])
def test_scale_errors(text, says):
    with pytest.raises(OptionError) as exc:
        parse_scale(text)
    assert says in str(exc.value) and "\n" not in str(exc.value)


def test_mood():
    assert parse_mood("ecstatic=10") == ("ecstatic", 10)
    assert parse_mood(" super good = 8.5 ") == ("super good", 8.5)
    assert parse_mood("Down=0") == ("Down", 0)


@pytest.mark.parametrize(("text", "says"), [
    ("ecstatic", "write it as LABEL=VALUE (the value on 0-10, 10 = best)"),
    ("ecstatic=lots", "the value must be a number on 0-10 (0 = worst, 10 = best), as in --mood ecstatic=VALUE"),
    ("ecstatic=11", "the value is 11; give it on 0-10 (0 = worst, 10 = best)"),
    ("ecstatic=-1", "the value is -1; give it on 0-10"),
    ("ecstatic=nan", "the value must be a number"),
    ("5=7", "a mood label is a word as the log writes it, e.g. --mood great=9"),
    ("=7", "a mood label is a word"),
])
def test_mood_errors(text, says):
    with pytest.raises(OptionError) as exc:
        parse_mood(text)
    assert str(exc.value).startswith(f"--mood {text!r}: ") and says in str(exc.value)


def test_column():
    assert parse_column("How I feel=mood") == ("How I feel", "mood")
    assert parse_column("How I feel = Mood") == ("How I feel", "mood")
    assert parse_column("Mood (1=bad, 10=great)=mood") == ("Mood (1=bad, 10=great)", "mood")  # the last =
    assert parse_column("Value=none") == ("Value", None) == parse_column("Value=")


@pytest.mark.parametrize(("text", "says"), [
    ("How I feel", 'write it as "HEADER=FIELD", e.g. --column "How I feel=mood"'),
    ("=mood", "name the header as the log writes it"),
    ("How I feel=feelings", "'feelings' is not a field; the fields are activity, avoidance, category"),
])
def test_column_errors(text, says):
    with pytest.raises(OptionError) as exc:
        parse_column(text)
    assert says in str(exc.value)


def test_column_error_names_every_field():
    with pytest.raises(OptionError) as exc:
        parse_column("x=y")
    assert all(f in str(exc.value) for f in FIELDS)


def test_sheet():
    assert parse_sheet("Week 2") == "Week 2"
    assert parse_sheet("#1") == 0 and parse_sheet("# 3") == 2
    assert parse_sheet("2") == "2"  # a sheet named 2; positions are written #N
    for bad in ("#0", "", "  "):
        with pytest.raises(OptionError, match="--sheet"):
            parse_sheet(bad)


# --------------------------------------------------------------------------- activity maps


def test_activity_map_csv(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("written,activity\nfood shopping,Food shop\n\n groceries , Food shop \n"
                    '"walk, dog",Walk dog\n', encoding="utf-8")
    assert read_activity_map(path) == {"food shopping": "Food shop", "groceries": "Food shop",
                                       "walk, dog": "Walk dog"}


def test_activity_map_without_header_and_with_bom(tmp_path):
    path = tmp_path / "map.csv"
    path.write_bytes("\ufeffgym,Gym\nsalle de sport,Gym\n".encode())
    assert read_activity_map(path) == {"gym": "Gym", "salle de sport": "Gym"}


def test_activity_map_toml(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text('"food shopping" = "Food shop"\ngroceries = "Food shop"\n', encoding="utf-8")
    assert read_activity_map(path) == {"food shopping": "Food shop", "groceries": "Food shop"}
    path.write_text('[activity_map]\ngroceries = "Food shop"\n', encoding="utf-8")
    assert read_activity_map(path) == {"groceries": "Food shop"}


@pytest.mark.parametrize(("text", "says"), [
    ("gym\n", "line 1: give two names, as written and the activity it means, e.g. food shopping,Food shop"),
    ("gym,Gym,Sport\n", "line 1: give two names"),
    ("gym,Gym\n,Walk\n", "line 2: give two names"),
    ("gym,Gym\nGYM,Sport\n", "line 2: 'GYM' is mapped to 'Gym' (line 1) and to 'Sport'; keep one"),
    ("written,activity\n\n", "holds no names"),
])
def test_activity_map_errors(tmp_path, text, says):
    path = tmp_path / "map.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OptionError) as exc:
        read_activity_map(path)
    assert str(exc.value).startswith(f"--activity-map {path}") and says in str(exc.value)


def test_activity_map_missing_or_folder(tmp_path):
    with pytest.raises(OptionError, match="cannot be read"):
        read_activity_map(tmp_path / "nope.csv")
    with pytest.raises(OptionError, match="is a folder"):
        read_activity_map(tmp_path)


# --------------------------------------------------------------------------- options files

EVERY_KEY = """\
format = "daylio"
client = "C-07"
sheet = ["Week 1", "#3"]
dayfirst = true
week_start = 2026-03-02
activity_map = "map.csv"
values = "values.csv"

[mood]
ecstatic = 10
down = 2.5
"so-so" = 5

[scales]
mastery = [1, 5]
effort = "-3..3"

[columns]
"How I feel" = "mood"
Value = "none"
"""


def test_options_file_with_every_key(tmp_path):
    (tmp_path / "map.csv").write_text("groceries,Food shop\n", encoding="utf-8")
    (tmp_path / "values.csv").write_text("Activity,Value\ngroceries,Home\n", encoding="utf-8")
    path = tmp_path / "client.toml"
    path.write_text(EVERY_KEY, encoding="utf-8")
    got = read_options_file(path)
    assert got == {"format": "daylio", "client": "C-07", "sheet": ["Week 1", 2], "dayfirst": True,
                   "week_start": "2026-03-02", "activity_map": {"groceries": "Food shop"},
                   "mood_map": {"ecstatic": 10, "down": 2.5, "so-so": 5},
                   "scales": {"mastery": [1, 5], "effort": [-3, 3]},
                   "columns": {"How I feel": "mood", "Value": None},
                   "values": str((tmp_path / "values.csv").resolve())}
    assert json.loads(json.dumps(got)) == got  # plain values: papermill parameters
    assert set(FILE_KEYS) == {"format", "client", "sheet", "dayfirst", "week_start", "mood", "scales",
                              "columns", "activity_map", "values", "na"}


def test_options_file_activity_map_table_and_string_dates(tmp_path):
    path = tmp_path / "client.toml"
    path.write_text('week_start = "2026-03-02"\nsheet = "Week 2"\n[activity_map]\ngroceries = "Food shop"\n',
                    encoding="utf-8")
    assert read_options_file(path) == {"week_start": "2026-03-02", "sheet": "Week 2",
                                       "activity_map": {"groceries": "Food shop"}}


@pytest.mark.parametrize(("text", "says"), [
    ('mood_map = {great = 9}\n', "unknown key 'mood_map'; did you mean 'mood'? the keys are format, client, "
                                 "sheet, dayfirst, week_start, mood, scales, columns, activity_map"),
    ('week-start = 2026-03-02\n', "unknown key 'week-start'; did you mean 'week_start'?"),
    ('therapist = "Ann"\n', "unknown key 'therapist'; the keys are format, client"),
    ('format = "word"\n', "format: 'word' is not a layout; the layouts are auto, long, tidy, daylio"),
    ('dayfirst = "yes"\n', "dayfirst: write dayfirst = true (03/04/2026 is 3 April) or dayfirst = false"),
    ('week_start = "2 March"\n', "week_start =: '2 March' is not a date; give it as YYYY-MM-DD"),
    ('client = ""\n', "client: give the client's name or id as text"),
    ('sheet = 1\n', 'sheet: give sheet names as text, e.g. sheet = "Week 1"'),
    ('sheet = "#0"\n', "sheets count from #1"),
    ('mood = 5\n', "mood: give it as a table, e.g. [mood] then great = 9"),
    ('[mood]\ngreat = "high"\n', "[mood] great = 'high': the value must be a number on 0-10"),
    ('[mood]\ngreat = 90\n', "[mood] great = 90: the value is 90; give it on 0-10"),
    ('[mood]\ngreat = true\n', "the value must be a number"),
    ('[mood]\nGreat = 9\ngreat = 8\n', "'Great' and 'great' are the same; give it once"),
    ('[scales]\nmood = 5\n', "[scales] mood = 5: give the scale's two ends, e.g. [scales] mood = [1, 5]"),
    ('[scales]\nmood = [5, 5]\n', "the two ends are the same; give e.g. [scales] mood = [1, 5]"),
    ('[scales]\nmood = [1, 2, 3]\n', "give the scale's two ends"),
    ('[scales]\nsleep = [1, 5]\n', "'sleep' is not a rating; scales apply to mastery, pleasure, mood, effort"),
    ('[columns]\n"How I feel" = "feelings"\n', "'feelings' is not a field; the fields are"),
    ('[columns]\n"How I feel" = 3\n', 'give the field as text, e.g. [columns] "How I feel" = "mood"'),
    ('activity_map = "nope.csv"\n', "activity_map = "),
    ('activity_map = 3\n', 'give the activity map as a table of "written" = "activity" lines'),
    ('format = daylio\n', "not valid TOML (Invalid value (at line 1, column 10)); write key = value lines"),
])
def test_options_file_errors(tmp_path, text, says):
    path = tmp_path / "client.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OptionError) as exc:
        read_options_file(path)
    msg = str(exc.value)
    assert says in msg and str(path) in msg and "\n" not in msg


def test_options_file_missing(tmp_path):
    with pytest.raises(OptionError, match=r"^--options .*nope.toml: cannot be read \(No such file"):
        read_options_file(tmp_path / "nope.toml")


# --------------------------------------------------------------------------- all together


def test_reading_options_flags():
    got = reading_options(format="grid", client="Sam", sheet=["Week 1", "#2"], dayfirst=False,
                          week_start="2026-03-02", mood=["ecstatic=10", "down=2"],
                          scale=["mood=1-7", "effort=-3..3"], column=["How I feel=mood", "Value=none"])
    assert got == {"format": "grid", "client": "Sam", "sheet": ["Week 1", 1], "dayfirst": False,
                   "week_start": "2026-03-02", "mood_map": {"ecstatic": 10, "down": 2},
                   "scales": {"mood": [1, 7], "effort": [-3, 3]},
                   "columns": {"How I feel": "mood", "Value": None}}
    assert reading_options() == {}


def test_reading_options_command_line_wins_over_the_file(tmp_path):
    path = tmp_path / "client.toml"
    path.write_text('format = "daylio"\nclient = "C-07"\ndayfirst = true\nsheet = "Week 1"\n'
                    '[mood]\necstatic = 10\ndown = 2\n[scales]\nmood = [1, 5]\neffort = [1, 5]\n'
                    '[columns]\n"How I feel" = "mood"\n', encoding="utf-8")
    got = reading_options(options=path, client="C-08", dayfirst=False, sheet=["Week 2"],
                          mood=["Down=3", "fine=6"], scale=["mood=1-7"], column=["Energy=effort"])
    assert got == {"format": "daylio", "client": "C-08", "dayfirst": False, "sheet": "Week 2",
                   "mood_map": {"ecstatic": 10, "Down": 3, "fine": 6},       # a label in any case
                   "scales": {"mood": [1, 7], "effort": [1, 5]},
                   "columns": {"How I feel": "mood", "Energy": "effort"}}


def test_reading_options_same_label_twice():
    assert reading_options(mood=["down=2", "down=2"]) == {"mood_map": {"down": 2}}
    with pytest.raises(OptionError, match=r"^--mood given twice for 'Down' \(2 and 3\); give it once$"):
        reading_options(mood=["down=2", "Down=3"])
    with pytest.raises(OptionError, match=r"^--scale given twice for 'mood' \(1-5 and 1-7\)"):
        reading_options(scale=["mood=1-5", "mood=1-7"])


def test_reading_options_bad_flags():
    with pytest.raises(OptionError, match=r"^--format 'word': 'word' is not a layout"):
        reading_options(format="word")
    with pytest.raises(OptionError, match=r"^--week-start '2 March': '2 March' is not a date"):
        reading_options(week_start="2 March")
    with pytest.raises(OptionError, match=r"^--client '': give the client's name"):
        reading_options(client="")
