"""resort-gui: survival analysis of clinical trials, checked against R's survival package."""

__version__ = "0.1.0"
