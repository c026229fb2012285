"""Every figure an inspector asks for, computed once per period (issue 13).

Each capability computes its own figures (its ``Capability.indicators`` providers, in its package's
``indicators.py``); :func:`app.indicators.compute.compute` is the one place that gathers them for a period. The
monthly loop, 工作台, the semester report and the county export read from there and nowhere else.
"""
