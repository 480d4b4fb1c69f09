"""BLAS thread control: one thread for many small matrix products (speed: benchmark row W4-mood)."""

from __future__ import annotations

import contextlib
import ctypes
import functools
from pathlib import Path

import numpy as np


@functools.lru_cache(maxsize=1)
def _openblas():
    """``(get, set)`` of the thread count of the OpenBLAS NumPy uses, or None (found as threadpoolctl does)."""
    try:
        libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
        for path in sorted(libs.glob("*openblas*")):
            lib = ctypes.CDLL(str(path))
            for pre, suf in (("scipy_openblas_", "64_"), ("openblas_", "64_"), ("openblas_", "")):
                get = getattr(lib, f"{pre}get_num_threads{suf}", None)
                put = getattr(lib, f"{pre}set_num_threads{suf}", None)
                if get is not None and put is not None:
                    get.restype = ctypes.c_int
                    put.argtypes = [ctypes.c_int]
                    return get, put
    except OSError:
        pass
    return None


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with NumPy's OpenBLAS on one thread (a no-op if it cannot be found).

    The bootstrap products are many and small (a few dozen columns by ~100
    days by 2,000 resamples). Waking a second BLAS thread for each costs more
    than the product itself, and far more on a busy machine: measured here on
    2 busy cores, a 24 x 84 by 84 x 2,000 product took 27 ms on two threads
    and 0.44 ms on one.
    """
    blas = _openblas()
    old = blas[0]() if blas is not None else 1
    if old <= 1:
        yield
        return
    blas[1](1)
    try:
        yield
    finally:
        blas[1](old)
