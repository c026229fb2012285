"""Charts shared by every capability (no Qt, no pyplot: matplotlib ``Figure`` objects drawn with Agg).

:mod:`app.charts.base` sets the bundled CJK font up for matplotlib and draws a figure to PNG bytes (safe on a
worker thread); :mod:`app.charts.builders` turns plain labelled data into a :class:`~app.charts.builders.Chart`
(the figure and the table behind it, so both can be saved: PNG and .xlsx, see :mod:`app.charts.export`)."""
