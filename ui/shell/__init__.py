"""The window's shell: main window, unlock, set-up wizard, context, task helper, dialogs and theme."""
