"""Plain data shared by every layer: the analysis spec, results and user-facing errors.

Nothing here imports Qt, pandas or scipy (pandas only lazily, inside ``to_frame``).
"""
