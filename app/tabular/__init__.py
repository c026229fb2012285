"""Reading messy spreadsheets: .xlsx and .csv, a header row found below title rows, columns matched by
Chinese synonyms or a saved mapping, cells normalised, every row with the sheet row number Excel shows."""
from app.tabular.cells import cell_text, parse_bool, parse_date
from app.tabular.reader import ColumnMap, RowError, Table, TableError, read_table

__all__ = ["ColumnMap", "RowError", "Table", "TableError", "cell_text", "parse_bool", "parse_date", "read_table"]
