"""Parent letters (家长告知书): templates as data, PDF output, delivery and receipts (docs/letters.md)."""
