"""工作台 on the command line: the headless 工作台 (``workbench [--json]``)."""
