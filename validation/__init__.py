"""Validation study of bactivate's single-client inference (issue 16, item 4).

A simulation written from scratch with NumPy (not :mod:`bactivate.synth`):
daily mood is an AR(1) series, activities are independent, persistent,
weekday-bound or rising, and each simulated client becomes a tidy log that
goes through the *public* API (``ba.mood_by_activity``, ``ba.phase_effect``).
Whatever model those functions use, the study measures what a clinician would
read from them: how often p < .05 when nothing is there, whether the 95%
intervals cover the truth, and whether the interval and the p-value agree.

* :mod:`validation.simulate` -- the data generator (daily series, tidy logs);
* :mod:`validation.measure` -- one simulated client through the API, the
  per-test records, and the rates with Monte Carlo SEs;
* :mod:`validation.run` -- the command line (``python -m validation.run``),
  the results CSV and the Markdown table of ``docs/validation.md``.
"""
