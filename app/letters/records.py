"""Making letters for one student or a batch, and what happens to them after: delivered, receipt returned.

``prepare`` resolves the students (one, a class, a ledger level or a list), checks who may print what, and fills
every letter. ``export_pdf`` writes them (one PDF, each letter from a new page, or one file per student) and
``record_printed`` records a batch printed through the window's print dialog; both write the batch and its letters
and an audit line with the full path in one transaction, after the file is complete. ``mark_delivered`` and
``record_receipt`` follow each letter; the receipt of a 心理危机告知书 completes the crisis case's 家长知情/告知书签署
step through the crisis capability's public function.

Who may print: a counselor every template; a 班主任 only the templates marked ``head_teacher`` (学期反馈, 家访记录,
家长学校, 假期提示) and only for their own class (``policy.class_scope``). The letters go out on paper: a PDF written
outside the vault is printed material, plain (not encrypted), and every file written is audited with its path.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app import clock
from app.errors import InputRejected, PermissionDenied
from app.letters.fields import Addressee, addressees, batch_values, filled
from app.letters.layout import FilledLetter, LaidOut, layout
from app.letters.pdf import Progress, write_pdf
from app.letters.templates import Template, get_template
from app.pdf.fonts import metrics
from app.policy import can_counsel, does_student_work, in_scope, require, scope_condition
from app.session import Session

DELIVERY_METHODS = ("学生带回", "当面交给家长", "家长会发放", "邮寄", "微信或短信告知")
PRINTED = "打印"
MAX_BATCH = 5000



@dataclass(frozen=True)
class LetterRequest:
    """Another page asks the window for a letter: this template for this student (the archive; a crisis case's
    parent step asks for ``crisis-notice``). Carried by ``AppContext.open_letter``."""
    template_id: str
    student_id: int


@dataclass(frozen=True)
class Selection:
    """Whom a batch is for: exactly one of a student list, a class, or a ledger level."""
    student_ids: tuple[int, ...] = ()
    class_id: int | None = None
    level: int | None = None
    label: str = ""   # what the user chose, in Chinese (for the batch record)


@dataclass
class Prepared:
    template: Template
    scope: str
    class_id: int | None
    students: list[Addressee]
    letters: list[FilledLetter]
    case_ids: list[int | None] = field(default_factory=list)

    def laid_out(self) -> list[LaidOut]:
        m = metrics()
        return [layout(m, letter) for letter in self.letters]


def may_print(session: Session, template: Template) -> bool:
    """Whether the account may print this template at all (a 班主任: only those marked for them)."""
    return can_counsel(session.account) or (does_student_work(session.account) and template.head_teacher)


def printable_templates(session: Session) -> list[Template]:
    from app.letters.templates import list_templates

    return [t for t in list_templates(session.db) if may_print(session, t)]


def _students(session: Session, sel: Selection) -> tuple[list[int], str, int | None]:
    db = session.db
    chosen = [x is not None and x != () for x in (sel.student_ids or None, sel.class_id, sel.level)]
    if sum(chosen) != 1:
        raise InputRejected("请选择一名学生、一个班级或一个预警等级（三者选一）。")
    if sel.student_ids:
        ids = list(dict.fromkeys(sel.student_ids))
        marks = ",".join("?" * len(ids))
        found = {r[0]: r[1] for r in db.query(f"SELECT id, class_id FROM students WHERE id IN ({marks})", ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise InputRejected("所选学生中有已不在档案中的学生，请重新选择。")
        if any(not in_scope(session.account, found[i]) for i in ids):
            raise PermissionDenied("班主任只能为本班学生打印告知书。")
        return ids, sel.label or ("学生" if len(ids) == 1 else f"名单 {len(ids)} 人"), None
    if sel.class_id is not None:
        if not in_scope(session.account, sel.class_id):
            raise PermissionDenied("班主任只能为本班学生打印告知书。")
        name = db.scalar("SELECT name FROM classes WHERE id = :c", {"c": sel.class_id})
        if name is None:
            raise InputRejected("找不到该班级。")
        ids = [r[0] for r in db.query("SELECT id FROM students WHERE class_id = :c AND status = '在读'"
                                      " ORDER BY registry_no", {"c": sel.class_id})]
        return ids, sel.label or f"班级 {name}", sel.class_id
    from app.archive.students import visible_levels

    level = int(sel.level or 0)
    if not 1 <= level <= 4:
        raise InputRejected(f"预警等级应为 1 到 4，不能是 {sel.level}。")
    levels = visible_levels(db, session.account)
    cond, params = scope_condition(session.account)
    ids = [r[0] for r in db.query(f"SELECT s.id FROM students s WHERE s.status = '在读' AND {cond}"
                                  f" ORDER BY s.class_id, s.registry_no", params) if levels.get(r[0]) == level]
    return ids, sel.label or f"预警等级 {level}", None


def _institution_values(session: Session, institution_id: int | None) -> dict[str, str]:
    from app.crisis.institutions import get_institution, list_institutions

    if institution_id is not None:
        inst = get_institution(session, institution_id)
    else:
        found = list_institutions(session)
        if not found:
            raise InputRejected("转介机构名录是空的：请先在“危机干预 → 转介机构”中添加机构，再打印转介建议书。")
        inst = found[0]   # green channel first
    green = ("该机构为学校转介绿色通道定点机构，就诊时请出示本建议书，可优先安排。" if inst.green_channel else "")
    return {"转介机构": inst.name, "科室": inst.department or "________", "机构电话": inst.phone or "________",
            "机构地址": inst.address or "________", "绿色通道": green}


def _return_documents(session: Session) -> str:
    from app.crisis.rules import load_rules

    docs = load_rules(session.db).step("return_assessment").documents
    names = [name for _key, name in docs] or ["诊断证明", "复学申请", "监护人承诺书"]
    return "\n".join(f"□ {n}" for n in names)


def _open_case(session: Session, student_id: int) -> int:
    from app.crisis.cases import list_cases

    cases = list_cases(session, open_only=True, student_id=student_id)
    if not cases:
        name = session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": student_id})
        raise InputRejected(f"{name}没有进行中的危机个案：心理危机告知书只为进行中的个案打印。")
    return cases[0].id


def prepare(session: Session, template_id: str, selection: Selection, *, extras: Mapping[str, str] | None = None,
            institution_id: int | None = None, today: dt.date | None = None) -> Prepared:
    """Every letter of a batch, filled: the students resolved and the rules checked (nothing written)."""
    require(session, does_student_work, "打印家长告知书")
    template = get_template(session.db, template_id)
    if not may_print(session, template):
        raise PermissionDenied(f"班主任不能打印“{template.title}”，请由心理教师打印。班主任可以打印："
                               "学期反馈、家访记录、家长学校邀请函和假期心理健康提示。")
    ids, scope, class_id = _students(session, selection)
    if not ids:
        raise InputRejected(f"{scope}中没有在读学生，没有可打印的告知书。")
    if len(ids) > MAX_BATCH:
        raise InputRejected(f"一次最多打印 {MAX_BATCH} 份告知书，请按年级或班级分批打印。")
    more = dict(extras or {})
    if template.institution:
        more.update(_institution_values(session, institution_id))
    if "{复学材料}" in template.body + template.receipt:
        more["复学材料"] = _return_documents(session)
    shared = batch_values(session, template, more, today)
    lines = tuple(shared["热线"].split("；"))
    school = shared["学校"]
    people = addressees(session, ids)
    case_ids: list[int | None] = [_open_case(session, a.student_id) if template.crisis else None for a in people]
    letters = [filled(template, a, shared, lines, school) for a in people]
    return Prepared(template, scope, class_id, people, letters, case_ids)


def out_path(session: Session, path: Path) -> Path:
    """Where the window may write a PDF the user chose (the save dialog already asked about replacing a file):
    never inside the vault folder, always .pdf."""
    from app.store.outpaths import check_out_path

    return check_out_path(path, session.paths.root, [".pdf"], force=True)


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "学生"


def per_student_paths(out: Path, prepared: Prepared) -> list[Path]:
    """One file per student next to ``out``: ``<out's name>-<序号>-<姓名>.pdf``."""
    out = Path(out)
    return [out.with_name(f"{out.stem}-{i:03d}-{_safe_name(a.name)}.pdf")
            for i, a in enumerate(prepared.students, 1)]


def _record(session: Session, prepared: Prepared, output: str, action: str, detail: dict[str, object]) -> int:
    db = session.db
    with db.transaction():
        batch = db.execute("INSERT INTO letter_batches (template_id, title, scope, class_id, output, made_at, made_by)"
                          " VALUES (:t, :ti, :s, :c, :o, :at, :by)",
                          {"t": prepared.template.id, "ti": prepared.template.title, "s": prepared.scope,
                           "c": prepared.class_id, "o": output, "at": clock.now_iso(), "by": session.account.label}
                           ).lastrowid
        for a, case_id in zip(prepared.students, prepared.case_ids, strict=True):
            db.execute("INSERT INTO letters (batch_id, student_id, crisis_case_id) VALUES (:b, :s, :c)",
                       {"b": batch, "s": a.student_id, "c": case_id})
        session.audit(action, output, {"kind": "letters", "template": prepared.template.id, "batch": batch,
                                       "letters": len(prepared.students), "scope": prepared.scope,
                                       "encrypted": False, **detail})
    return int(batch)


@dataclass(frozen=True)
class Written:
    batch_id: int
    files: tuple[Path, ...]
    pages: int


def export_pdf(session: Session, prepared: Prepared, out: Path, *, per_student: bool = False,
               progress: Progress | None = None) -> Written:
    """Write the letters (one PDF, or one per student next to ``out``) and record the batch; audited as an
    export with every full path. ``out`` must already have passed ``app.store.outpaths.check_out_path``.
    ``progress(done, total)`` may raise to cancel: then nothing is recorded and no file of this run is left."""
    m = metrics()
    total = len(prepared.letters)
    out = Path(out)
    if not per_student:
        pages = write_pdf((layout(m, letter) for letter in prepared.letters), out, total=total, progress=progress)
        files: tuple[Path, ...] = (out,)
    else:
        paths = per_student_paths(out, prepared)
        done: list[Path] = []
        pages = 0
        try:
            for i, (letter, path) in enumerate(zip(prepared.letters, paths, strict=True), 1):
                pages += write_pdf([layout(m, letter)], path)
                done.append(path)
                if progress is not None:
                    progress(i, total)
        except BaseException:
            for p in done:
                p.unlink(missing_ok=True)
            raise
        files = tuple(done)
    output = str(out) if not per_student else str(out.parent)
    batch = _record(session, prepared, output, "export",
                    {"files": [str(f) for f in files], "pages": pages, "per_student": per_student})
    return Written(batch, files, pages)


def record_printed(session: Session, prepared: Prepared, printer: str = "") -> int:
    """The batch was sent to a printer through the window's print dialog: recorded and audited as a print."""
    target = f"{PRINTED}:{printer}" if printer else PRINTED
    return _record(session, prepared, target, "print", {"printer": printer})


# -- after printing: delivered, receipt returned ---------------------------------------------------------------------
@dataclass(frozen=True)
class LetterRow:
    id: int
    batch_id: int
    template_id: str
    title: str
    student_id: int
    student_name: str
    registry_no: str
    class_name: str
    made_at: str
    made_by: str
    output: str
    crisis_case_id: int | None
    delivered_on: str | None
    delivered_how: str
    receipt_on: str | None

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "batch": self.batch_id, "template": self.template_id, "title": self.title,
                "student": self.student_name, "registry_no": self.registry_no, "class": self.class_name,
                "made_at": self.made_at, "made_by": self.made_by, "output": self.output,
                "delivered_on": self.delivered_on, "delivered_how": self.delivered_how,
                "receipt_on": self.receipt_on, "crisis_case": self.crisis_case_id}


_SELECT = ("SELECT l.id, l.batch_id, b.template_id, b.title, l.student_id, s.name, s.registry_no,"
           " coalesce(c.name, ''), b.made_at, b.made_by, b.output, l.crisis_case_id, l.delivered_on,"
           " l.delivered_how, l.receipt_on, s.class_id FROM letters l JOIN letter_batches b ON b.id = l.batch_id"
           " JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id")


def _visible_template(session: Session, template_id: str) -> bool:
    from app.letters.templates import shipped

    t = shipped().get(template_id)
    return can_counsel(session.account) or (t is not None and t.head_teacher)


def list_letters(session: Session, *, student_id: int | None = None, batch_id: int | None = None,
                 limit: int = 2000) -> list[LetterRow]:
    """Letters the account may see, newest first: a 班主任 their class's letters of the templates they may print."""
    require(session, does_student_work, "查看家长告知书")
    cond, params = scope_condition(session.account)
    where = [cond]
    if student_id is not None:
        where.append("l.student_id = :sid")
        params["sid"] = student_id
    if batch_id is not None:
        where.append("l.batch_id = :bid")
        params["bid"] = batch_id
    params["lim"] = limit
    rows = session.db.query(_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY b.made_at DESC, l.id LIMIT :lim",
                            params)
    return [LetterRow(*r[:15]) for r in rows if _visible_template(session, r[2])]


def _letters_for_write(session: Session, letter_ids: Sequence[int]) -> list[LetterRow]:
    require(session, does_student_work, "登记告知书的送达和回执")
    ids = list(dict.fromkeys(int(i) for i in letter_ids))
    if not ids:
        raise InputRejected("请先选择告知书。")
    marks = ",".join("?" * len(ids))
    rows = session.db.query(_SELECT + f" WHERE l.id IN ({marks})", ids)
    if len(rows) != len(ids):
        raise InputRejected("找不到所选的告知书（编号有误或已删除）。")
    out = []
    for r in rows:
        if not in_scope(session.account, r[15]) or not _visible_template(session, r[2]):
            raise PermissionDenied("班主任只能登记本班、本人可打印的告知书。")
        out.append(LetterRow(*r[:15]))
    return out


def _day(text: str | dt.date | None, what: str) -> str:
    if text is None or text == "":
        return clock.today().isoformat()
    if isinstance(text, dt.date):
        day = text
    else:
        try:
            day = dt.date.fromisoformat(str(text).strip()[:10])
        except ValueError:
            raise InputRejected(f"{what}“{text}”看不懂，请写成 年-月-日，例如 2026-11-20。") from None
    if day > clock.today():
        raise InputRejected(f"{what}不能晚于今天。")
    return day.isoformat()


def mark_delivered(session: Session, letter_ids: Sequence[int], how: str, on: str | dt.date | None = None) -> int:
    """Record how and when letters reached the families (a whole class batch at once); returns how many."""
    rows = _letters_for_write(session, letter_ids)
    if how not in DELIVERY_METHODS:
        raise InputRejected(f"请选择送达方式：{'、'.join(DELIVERY_METHODS)}。")
    day = _day(on, "送达日期")
    for r in rows:
        if day < r.made_at[:10]:
            raise InputRejected(f"送达日期 {day} 早于告知书的打印日期 {r.made_at[:10]}。")
    db = session.db
    with db.transaction():
        for r in rows:
            db.execute("UPDATE letters SET delivered_on = :d, delivered_how = :h, delivered_by = :by WHERE id = :i",
                       {"d": day, "h": how, "by": session.account.label, "i": r.id})
        session.audit("edit", f"letters:{','.join(str(r.id) for r in rows[:50])}",
                      {"delivered": day, "how": how, "letters": len(rows)})
    return len(rows)


def mark_batch_delivered(session: Session, batch_id: int, how: str, on: str | dt.date | None = None) -> int:
    return mark_delivered(session, [r.id for r in list_letters(session, batch_id=batch_id)], how, on)


def record_receipt(session: Session, letter_id: int, on: str | dt.date | None = None) -> str:
    """The signed receipt came back on ``on``. For a 心理危机告知书 this completes the case's 家长知情/告知书签署 step
    (when the case's level has it and it is still open). Returns a Chinese line saying what was recorded."""
    (row,) = _letters_for_write(session, [letter_id])
    day = _day(on, "回执交回日期")
    if day < row.made_at[:10]:
        raise InputRejected(f"回执交回日期 {day} 早于告知书的打印日期 {row.made_at[:10]}。")
    if row.receipt_on:
        raise InputRejected(f"这份告知书的回执已在 {row.receipt_on} 登记交回。")
    db = session.db
    said = f"已登记 {row.student_name} 的回执于 {day} 交回。"
    with db.transaction():
        db.execute("UPDATE letters SET receipt_on = :d, receipt_by = :by,"
                   " delivered_on = coalesce(delivered_on, :d) WHERE id = :i",
                   {"d": day, "by": session.account.label, "i": row.id})
        session.audit("edit", f"letters:{row.id}", {"receipt": day})
        if row.crisis_case_id is not None and _is_crisis(row.template_id):
            if _complete_parent_step(session, row.crisis_case_id, row.student_id, row.id, day):
                said += f"危机个案（编号 {row.crisis_case_id}）的“家长知情/告知书签署”已完成。"
    return said


def _is_crisis(template_id: str) -> bool:
    from app.letters.templates import shipped

    t = shipped().get(template_id)
    return t is not None and t.crisis


PARENT_STEP = "parent_consent"


def _complete_parent_step(session: Session, case_id: int, student_id: int, letter_id: int, day: str) -> bool:
    """Through the crisis capability: when the case is open and its level has the step, and the step is still
    open, it is completed on the day the receipt came back."""
    from app.crisis.cases import list_cases
    from app.crisis.steps import complete_step, step_id

    require(session, can_counsel, "登记心理危机告知书的回执")
    case = next((c for c in list_cases(session, open_only=True, student_id=student_id) if c.id == case_id), None)
    if case is None:
        return False
    try:
        sid = step_id(session, case_id, PARENT_STEP)
    except InputRejected:
        return False   # a 一般 case has no such step
    when = day if day > case.opened_at[:10] else case.opened_at   # never before the case was opened
    try:
        complete_step(session, sid, done_at=when, done_by=session.account.label,
                      summary=f"家长签署的告知书回执已交回（告知书编号 {letter_id}）", data={"signed": True})
    except InputRejected:
        return False   # already completed or skipped by hand
    return True


def preview(session: Session, template: Template, student_id: int | None = None, *,
            extras: Mapping[str, str] | None = None, institution_id: int | None = None) -> LaidOut:
    """One letter of ``template`` (possibly being edited, not yet saved) laid out for the window's live preview:
    for ``student_id`` when given (within the account's scope), else for a sample student. Nothing is written."""
    require(session, does_student_work, "预览家长告知书")
    more = dict(extras or {})
    if template.institution:
        try:
            more.update(_institution_values(session, institution_id))
        except InputRejected:
            more.update({k: "________" for k in ("转介机构", "科室", "机构电话", "机构地址")} | {"绿色通道": ""})
    more["复学材料"] = _return_documents(session)
    shared = batch_values(session, template, more)
    people: list[Addressee] = []
    if student_id is not None:
        row = session.db.scalar("SELECT class_id FROM students WHERE id = :s", {"s": student_id})
        if in_scope(session.account, row):
            people = addressees(session, [student_id])
    person = people[0] if people else Addressee(0, "", "张小明", None, "七年级（1）班", "李老师", "张建国")
    letter = filled(template, person, shared, tuple(shared["热线"].split("；")), shared["学校"])
    return layout(metrics(), letter)
