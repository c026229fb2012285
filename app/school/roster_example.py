"""An example 学生名单 for a new school: the columns the roster import reads, three made-up students (no real
names), written on demand into a folder the user chooses (学生档案's empty page offers it)."""
from __future__ import annotations

from pathlib import Path

from app.errors import InputRejected
from app.store.fileio import atomic_write_bytes
from app.tabular.writing import append_row, new_workbook, workbook_bytes

FILE_NAME = "学生名单示例.xlsx"
TITLE = "学生名单示例：姓名均为虚构，请换成本校学生后导入（必填：姓名、学籍号、班级）"
HEADERS = ("学籍号", "姓名", "性别", "出生日期", "年级", "班级", "民族", "是否住校", "监护人姓名", "监护人关系",
           "监护人联系电话")
ROWS = (
    ("G370000201300000001", "示例甲", "男", "2013-05-14", "七年级", "七年级（1）班", "汉族", "否", "示例家长甲",
     "父亲", "13800000001"),
    ("G370000201300000002", "示例乙", "女", "2013-09-02", "七年级", "七年级（1）班", "汉族", "是", "示例家长乙",
     "母亲", "13800000002"),
    ("G370000201200000003", "示例丙", "女", "2012-11-20", "八年级", "八年级（2）班", "回族", "否", "示例家长丙",
     "母亲", "13800000003"),
)


def write_roster_example(folder: Path) -> Path:
    """Write ``学生名单示例.xlsx`` into ``folder``; returns its path. A folder that is missing or not writable gets a
    Chinese message saying so."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputRejected(f"文件夹“{folder}”不存在，请选择一个已有的文件夹。")
    wb, ws = new_workbook("学生名单")
    append_row(ws, [TITLE])
    append_row(ws, HEADERS)
    for row in ROWS:
        append_row(ws, row)
    for col, width in zip("ABCDEFGHIJK", (22, 10, 6, 12, 8, 14, 8, 10, 12, 10, 14), strict=True):
        ws.column_dimensions[col].width = width
    path = folder / FILE_NAME
    try:
        atomic_write_bytes(path, workbook_bytes(wb))
    except OSError as e:
        raise InputRejected(f"无法在“{folder}”中保存示例文件（{e.strerror or e}），请换一个文件夹。") from e
    return path
