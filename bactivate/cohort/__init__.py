"""Cohort analyses: one row per client, arms compared, trajectories, outcomes, questionnaires.

One module per job: :mod:`~bactivate.cohort.summary` (one row per client and per
client-week: the unit of analysis), :mod:`~bactivate.cohort.compare` (arms compared,
client as the unit), :mod:`~bactivate.cohort.trajectory` (mixed model over weeks),
:mod:`~bactivate.cohort.outcomes` (pre/post pairs of questionnaires),
:mod:`~bactivate.cohort.questionnaires` (PHQ-9, BADS, BADS-SF scoring, reliable change),
:mod:`~bactivate.cohort.privacy` (de-identification), :mod:`~bactivate.cohort.compliance`
(prompts sent and answered), :mod:`~bactivate.cohort.within` (the within-person activity-mood
model and the ICC) and :mod:`~bactivate.cohort.tables`
(the frames as tables for reading: ``ba.cohort.tables.show(frame)``). Reading a cohort is
:func:`bactivate.read_cohort` (:mod:`bactivate.io.cohort`).

>>> import bactivate as ba
>>> cohort = ba.read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
>>> summary = ba.client_summary(cohort)
>>> len(summary), summary["arm"].value_counts().sort_index().to_dict()
(40, {'BA': 20, 'control': 20})
>>> ba.compare_groups(summary, "arm", "mood_change")[["group_a", "group_b", "n_a", "n_b"]]
  group_a  group_b  n_a  n_b
0      BA  control   20   20

Weeks are counted per client from the client's first logged day (week 1 = the
first 7 days), because a BA week starts when monitoring starts. See
``docs/cohorts.md`` for the unit-of-analysis rules.
"""

from __future__ import annotations

from bactivate.cohort import tables
from bactivate.cohort.compare import compare_groups
from bactivate.cohort.summary import client_periods, client_summary, client_weeks

__all__ = ["client_periods", "client_summary", "client_weeks", "compare_groups", "tables"]
