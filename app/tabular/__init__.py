"""Reading messy spreadsheets: .xlsx, .xls, .ods and .csv, a header row found below title rows, columns matched by
Chinese synonyms or a saved mapping, cells normalised, every row with the sheet row number Excel shows."""
from app.tabular.cells import cell_text, parse_bool, parse_date
from app.tabular.errors import EmptySheet, FileEncrypted, HeaderNotFound, MissingColumns, TableError, UnreadableFile
from app.tabular.reader import ColumnMap, RowError, Table, read_table
from app.tabular.sheets import OPEN_FILE_FILTER, SUPPORTED_SUFFIXES, sheet_names, sheet_rows

__all__ = ["OPEN_FILE_FILTER", "SUPPORTED_SUFFIXES", "ColumnMap", "EmptySheet", "FileEncrypted", "HeaderNotFound",
           "MissingColumns", "RowError", "Table", "TableError", "UnreadableFile", "cell_text", "parse_bool",
           "parse_date", "read_table", "sheet_names", "sheet_rows"]
