"""Make the synthetic experience-sampling (ESM) study in this folder (byte for byte the same).

    .venv/bin/python data/sample/esm/make_esm.py

``study.csv``: 30 people, 14 days, 6 prompts a day (about 75% answered; unanswered prompts
are not in the file), the way a study platform exports a long file: a participant id, a
time stamp, "What are you doing right now?" as a multi-select answer ("Exercise | Screens"),
"Who are you with?", and mood on a 0-100 slider with -99 for a skipped item.
``participants.csv``: one row per person: group (depressed or comparison) and age.
The truth (within- and between-person activity effects, the group difference) is written to
``README.md`` by this script. Everything is synthetic: no real person is described.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bactivate.cohort.within import esm_study

HERE = Path(__file__).resolve().parent
SEED = 20261207
ACTIVITIES = {"Exercise": (1.0, 2.0, 0.3), "Screens": (-0.5, 0.0, 0.4), "Socialising": (0.8, 1.0, 0.25),
              "Work or study": (0.0, -0.5, 0.35)}
GROUP_SHIFT = -1.0  # mood points (0-10) of the depressed group against the comparison group
MISSING = -99


def make() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The study export and the participants' table."""
    rng = np.random.default_rng(SEED)
    log = esm_study(n_people=30, days=14, prompts=6, activities=ACTIVITIES, answered=0.75,
                    seed=rng)
    people = pd.DataFrame({"participant": sorted(log["client"].unique())})
    people["group"] = np.where(np.arange(len(people)) % 2 == 0, "depressed", "comparison")
    people["age"] = rng.integers(19, 64, len(people))
    shift = log["client"].map(people.set_index("participant")["group"].eq("depressed") * GROUP_SHIFT)
    log = log.assign(mood=log["mood"] + shift)
    # one row per prompt, as the platform exports it: the activities as one multi-select answer
    prompts = log.groupby(["client", "entry"], sort=True).agg(
        start=("start", "first"), mood=("mood", "first"),
        activity=("activity", lambda a: " | ".join(a.dropna()))).reset_index()
    n = len(prompts)
    mood = np.clip(np.round(prompts["mood"].to_numpy() * 10), 0, 100).astype(int)
    mood[rng.uniform(size=n) < 0.02] = MISSING  # an item skipped: the platform's missing code
    company = rng.choice(["alone", "partner", "friends", "family", "colleagues"], n)
    export = pd.DataFrame({
        "participant": prompts["client"],
        "timestamp": prompts["start"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "What are you doing right now?": prompts["activity"],
        "Who are you with?": company,
        "Mood (0-100)": mood,
    })
    return export, people


def main() -> None:
    export, people = make()
    export.to_csv(HERE / "study.csv", index=False, lineterminator="\n")
    people.to_csv(HERE / "participants.csv", index=False, lineterminator="\n")
    truth = "\n".join(f"| {name} | {w:+.1f} | {b:+.1f} | {s:.0%} |" for name, (w, b, s) in ACTIVITIES.items())
    (HERE / "README.md").write_text(f"""# A synthetic experience-sampling study

Made by [`make_esm.py`](make_esm.py) (seed {SEED}); re-create it, byte for byte, with
`.venv/bin/python data/sample/esm/make_esm.py`. **Everything here is synthetic.**

* `study.csv`: {len(export)} answered prompts of {export['participant'].nunique()} people over 14 days
  (6 prompts a day, about 75% answered; unanswered prompts are not in the file), one row per
  prompt: `participant`, `timestamp`, "What are you doing right now?" (a multi-select answer,
  `Exercise | Screens`), "Who are you with?", `Mood (0-100)` with {MISSING} for a skipped item
  ({int((export['Mood (0-100)'] == MISSING).sum())} cells).
* `participants.csv`: `participant`, `group` (depressed, comparison), `age`.

Read it with `ba.read_cohort("data/sample/esm/study.csv", roster="data/sample/esm/participants.csv",
na_values=[{MISSING}])`; the cohort-comparison notebook runs on it with `unit="day"`.

The truth built in (mood on 0-10; the slider is mood x 10):

| activity | within-person effect | between-person effect | share of prompts |
|---|---|---|---|
{truth}

Mood of the depressed group: {GROUP_SHIFT:+.1f} points against the comparison group.
""", encoding="utf-8")


if __name__ == "__main__":
    main()
