"""Speed and memory of bactivate against plain pandas, as ratios.

Run the whole suite from the repository root with ``python -m benchmarks``
(``make benchmark``); ``python -m benchmarks --quick`` is a smaller smoke run,
``--only W1,W2`` picks workloads, ``--repeat N`` sets how many timed runs each
side gets. Every workload is built with :mod:`bactivate.synth`, written once
under ``benchmarks/_work/`` (cached by size and seed, not in git), and every
measurement of bactivate is set against a plain-pandas baseline that computes
the same numbers, measured in the same run. See ``docs/performance.md``.

Workloads
---------
W1  one client, 12 weeks, ~12 entries a day, a 12-sheet XLSX: ``read_log``
W2  1,000 clients x 12 weeks (~1M rows) in one CSV and one Parquet file:
    ``read_log`` and ``read_cohort``
W3  the same cohort as 1,000 CSV files: ``read_cohort`` on the folder
W4  analyses on W2: ``client_summary``, ``progress(by="client")``,
    ``balance``, ``mood_by_activity(by=["client", "activity"])`` and
    ``trajectory`` (plus the single-client calls in a loop, without a target)
W5  ``bactivate report`` on the sample client vs a minimal notebook
M   memory of loading W2 (peak RSS in a fresh process; deep frame size)
L   growth of the loader's cost from 100k to 1M rows
I   ``import bactivate`` time
"""

#: Bumped whenever the files a workload writes change, so that stale caches are rebuilt.
LAYOUT_VERSION = 1
