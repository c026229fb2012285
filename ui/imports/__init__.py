"""The one import dialog, for every importer described by app.tabular.spec."""
