"""Cell values to clean text, dates and yes/no."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from app.text import normalize_text

EXCEL_EPOCH = dt.date(1899, 12, 30)


def cell_text(value: Any) -> str:
    """Any cell to normalised text: full-width folded, spaces trimmed, 2013.0 -> '2013', big numbers kept whole."""
    if type(value) is str:  # most cells: the first test
        return normalize_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            if 2 ** 53 <= abs(value) < 1e21:
                # Beyond 2**53 a float's last digits are noise: write the 15 significant digits Excel shows (an
                # 18-digit number typed into Excel is kept to 15 digits and shown as 201305040001234000).
                return format(Decimal(f"{value:.14e}"), "f")
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalize_text(str(value))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_DATETIME = re.compile(r"^(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_date(value: Any) -> dt.date | None:
    """2013-05-04, 2013/5/4, 2013.5.4, 20130504, 2013年5月4日, a real Excel date or an Excel serial number.

    Returns None for blank; raises ValueError with a Chinese reason for text that is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n = float(value)
        if 20000 <= n <= 80000:  # Excel serial day numbers, 1954..2118
            return EXCEL_EPOCH + dt.timedelta(days=int(n))
        text = cell_text(value)
    else:
        text = cell_text(value)
    # A time part ("2013/5/4 0:00", as Excel writes dates into a CSV) is dropped before inner spaces are.
    m_dt = _DATETIME.match(text)
    if m_dt:
        text = m_dt.group(1)
    text = text.replace(" ", "")
    if not text:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"“{text}”不是有效日期，请核对年月日后写成 2013-05-04 的形式") from None
    raise ValueError(f"“{text}”无法识别为日期，请写成 2013-05-04 的形式")


_YES = {"是", "y", "yes", "1", "true", "√", "✓", "住校", "寄宿", "有"}
_NO = {"否", "n", "no", "0", "false", "×", "走读", "无", "不是"}


def parse_bool(value: Any) -> bool | None:
    text = cell_text(value).lower()
    if text == "":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"“{text}”应为“是”或“否”")
