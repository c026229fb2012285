"""预警网络 pages and dialogs."""
