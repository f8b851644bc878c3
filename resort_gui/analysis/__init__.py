"""Every number of a trial from its cohort and spec: ``run.run_analysis`` is the one entry
point (the Kaplan-Meier comparison, the trial tables, secondary endpoints, points to check)."""
