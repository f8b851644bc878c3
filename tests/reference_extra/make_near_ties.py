"""Writes ``near_ties__data.csv`` (run once; seeded): a two-arm trial with a stratum whose
follow-up times in months hold near-ties as spreadsheets make them. A time typed as 0.3 sits
beside one computed as 3 * 0.1 (0.30000000000000004); a time is off by one part in 10^9
from a typed one (R's relative tolerance); and a pair one part in 10^6 apart, which R keeps
distinct. ``months_hex`` holds each time exactly, so that R can check it read the decimal
text as the same double Python does. ``make_reference.R`` reads it and writes R's answers
to ``near_ties.csv``.

Run from this folder: ``python make_near_ties.py``.
"""

from __future__ import annotations

import csv

import numpy as np

rng = np.random.default_rng(20261205)
N = 90


def _times() -> list[float]:
    tenths = rng.integers(1, 400, size=N)          # 0.1 to 39.9 months, typed
    times = [round(k / 10, 1) for k in tenths]
    computed = [i for i, k in enumerate(tenths) if k * 0.1 != round(k / 10, 1)]
    for i in computed[: len(computed) // 2]:        # the same time computed as k * 0.1
        times[i] = tenths[i] * 0.1
    for i in range(5):                              # the same months, shifted by 1e-9 relative
        times.append(times[i] * (1 + 1e-9))
    times.append(times[5] * (1 + 1e-6))             # near, yet different for R too
    return times


def main() -> None:
    times = _times()
    n = len(times)
    event = rng.random(n) < 0.6
    arm = np.where(rng.random(n) < 0.5, "sorafenib", "observation")
    site = np.where(rng.random(n) < 0.5, "north", "south")
    with open("near_ties__data.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient", "months", "relapse", "arm", "site", "months_hex"])
        for i in range(n):
            time = float(times[i])
            writer.writerow([f"P{i + 1:03d}", repr(time), int(event[i]), arm[i], site[i],
                             time.hex()])


if __name__ == "__main__":
    main()
