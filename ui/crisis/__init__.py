"""危机干预 page: case list, case view with the steps as a checklist, dialogs, directory and incidents."""
