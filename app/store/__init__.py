"""The encrypted store: SQLCipher connection, migrations, key slots, backups."""
