"""``xinqiao --self-test``: the program proves that everything it needs made it into this installation.

Each step runs the real code on a throwaway vault in a temporary folder (deleted at the end): SQLCipher with the
real Argon2id key derivation (at the production floor, the cheapest cost a real vault can have), records written
and read back, a scale scored, a letter (reportlab, the bundled CJK font) and a chart (matplotlib) rendered, an
exchange package signed, encrypted and opened again (cryptography's Ed25519, age through pyrage), a lock and an
unlock, the database's integrity check and the audit chain. The window adds its own Qt step (``extra`` steps,
given by ``main.py``: ``app`` never imports Qt).

A step that fails prints one Chinese line saying which step and why; the exit code is then 1. No personal data is
involved: the students are synthetic and the vault is deleted.

``render_letter`` prints a real letter through ``app.letters``; ``make_package`` exports a real county package
through ``app.exchange`` (to a throwaway centre key) and opens and verifies it as the centre does.
"""
from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from app.config import PRODUCTION_KDF
from app.session import Session

Step = tuple[str, Callable[[], None]]


class SelfTestFailure(Exception):
    """A step's check did not hold (the message is Chinese and says what)."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


@dataclass
class Context:
    """What the steps share: the temporary folder, the vault's password, the open session."""
    folder: Path
    password: str = field(default_factory=lambda: "Zq-" + secrets.token_urlsafe(18))
    session: Session | None = None
    student_ids: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    @property
    def s(self) -> Session:
        _check(self.session is not None, "前面的步骤没有建立数据库。")
        assert self.session is not None
        return self.session


def make_vault(ctx: Context) -> None:
    from app.school.setup import create_vault

    ctx.session, code = create_vault(ctx.folder / "vault", school_name="自检学校", username="selftest",
                                     password=ctx.password, kdf=PRODUCTION_KDF)
    _check(bool(code), "没有生成恢复码。")
    _check(ctx.s.holds_confidential, "第一个账号没有拿到保密层的密钥。")


def write_and_read(ctx: Context) -> None:
    from app.archive.seed import insert_students
    from app.archive.students import get_student
    from app.demo import generate_students

    students = generate_students(6, seed=16, grades=(7, 8))
    ctx.student_ids = insert_students(ctx.s, students)
    _check(len(ctx.student_ids) == len(students), "写入的学生数与读回的不一致。")
    for sid, written in zip(ctx.student_ids, students, strict=True):
        read = get_student(ctx.s.db, ctx.s.account, sid)
        _check(read.name == written.name and read.registry_no == written.registry_no,
               f"第 {sid} 条学生记录读回的内容与写入的不一致。")
        ctx.names[sid] = read.name


def score_scale(ctx: Context) -> None:
    from app.screening.campaigns import create_campaign
    from app.screening.results import save_answers, student_results

    answers = [1, 1, 1, 1, 1, 1, 1, 2, 0]  # PHQ-9: 9 points, 轻度, item 9 negative (no same-day alert)
    campaign = create_campaign(ctx.s, "自检测评", {7: "phq9"}, student_ids=ctx.student_ids[:1])
    result, _level = save_answers(ctx.s, campaign.id, ctx.student_ids[0], "phq9", answers)
    _check(result.total == 9, f"PHQ-9 总分应为 9，算得 {result.total}。")
    stored = student_results(ctx.s.db, ctx.student_ids[0])
    _check(len(stored) == 1 and stored[0].total == 9, "测评结果没有存入数据库。")


def render_letter(ctx: Context) -> None:
    """A real letter (``app.letters``: the shipped 假期心理健康提示 template, filled for one student, laid out and
    written by reportlab with the bundled fonts embedded), recorded as the window records it."""
    from app.letters.records import Selection, export_pdf, out_path, prepare

    prepared = prepare(ctx.s, "holiday", Selection(student_ids=(ctx.student_ids[0],), label="自检"))
    _check(len(prepared.letters) == 1, "没有生成信件。")
    written = export_pdf(ctx.s, prepared, out_path(ctx.s, ctx.folder / "letter.pdf"))
    data = written.files[0].read_bytes()
    _check(written.pages >= 1 and data.startswith(b"%PDF"), "信件 PDF 没有写出来。")
    _check(b"/FontFile2" in data, "信件 PDF 没有嵌入中文字体。")


def chart_figure(width: float, height: float) -> Any:
    """A matplotlib figure with the bundled CJK font, as the screening page draws its charts."""
    from app.charts.base import new_figure

    return new_figure(width, height)


def render_chart(ctx: Context) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = chart_figure(4, 3)
    ax = fig.add_subplot()
    ax.bar(["七年级", "八年级"], [3, 5], color="#4caf50")
    ax.set_title("自检图表")
    out = ctx.folder / "chart.png"
    FigureCanvasAgg(fig).print_png(str(out))
    data = out.read_bytes()
    _check(data.startswith(b"\x89PNG") and len(data) > 2000, "图表没有画成 PNG 图片。")


def make_package(ctx: Context) -> None:
    """The real package path of ``app.exchange``: the school imports a centre's key file, exports this month's
    package (indicators computed, signed with the school's Ed25519 key, age-encrypted to the centre, written with
    fsync and read back), the centre's identity opens and verifies it, and one flipped byte is refused."""
    import pyrage

    from app import clock
    from app.exchange.package import PackageRefused, open_package
    from app.exchange.school import export_period, set_centre_key, verify_file
    from app.indicators.periods import report_period

    centre = pyrage.x25519.Identity.generate()
    key_file = ctx.folder / "centre.pub"
    key_file.write_text(f"# 中心：自检中心\n{centre.to_public()}\n", "utf-8")
    set_centre_key(ctx.s, key_file)
    today = clock.today()
    result = export_period(ctx.s, report_period(ctx.s.db, f"{today.year:04d}-{today.month:02d}"), ctx.folder / "usb")
    data = result.path.read_bytes()
    _check(data.startswith(b"age-encryption.org/v1"), "数据包不是 age 加密文件。")
    _check(all(name.encode("utf-8") not in data for name in ctx.names.values()), "加密后的数据包里还能看到明文。")
    opened = open_package(data, result.path.name, identities=[centre])      # as the centre opens it
    _check(opened.manifest["kind"] == "report" and opened.manifest["package_id"] == result.package_id,
           "中心解开的数据包与导出的不一致。")
    _check(opened.fingerprint == result.fingerprint, "数据包的签名指纹与本校签名密钥不一致。")
    verify_file(ctx.s, result.path)                                          # as verify-package checks it
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    try:
        open_package(bytes(flipped), "自检", identities=[centre])
    except PackageRefused:
        pass
    else:
        raise SelfTestFailure("被改动的数据包仍通过了校验。")


def lock_and_unlock(ctx: Context) -> None:
    from app.archive.students import get_student

    s = ctx.s
    s.lock()
    _check(s.locked, "锁定后数据库仍然打开。")
    s.unlock(ctx.password)
    _check(not s.locked, "解锁后数据库没有打开。")
    sid = ctx.student_ids[0]
    _check(get_student(s.db, s.account, sid).name == ctx.names[sid], "解锁后读回的学生记录不一致。")


def verify(ctx: Context) -> None:
    from app.backups import verify_vault

    check = verify_vault(ctx.s)
    _check(check.broken_at is None, f"审计日志在第 {check.broken_at} 条处断开。")
    _check(not check.problems, f"数据库完整性检查发现问题：{check.problems[:1]}")
    _check(not check.cut, f"审计日志的检查点不一致：{check.cut}")
    _check(check.entries > 0, "审计日志是空的。")


def core_steps(ctx: Context) -> list[Step]:
    return [
        ("建立临时数据库（SQLCipher + Argon2id）", lambda: make_vault(ctx)),
        ("写入并读回记录", lambda: write_and_read(ctx)),
        ("量表计分", lambda: score_scale(ctx)),
        ("生成信件 PDF（reportlab + 中文字体）", lambda: render_letter(ctx)),
        ("绘制图表（matplotlib）", lambda: render_chart(ctx)),
        ("生成并校验交换数据包（签名 + age 加密）", lambda: make_package(ctx)),
        ("锁定并解锁", lambda: lock_and_unlock(ctx)),
        ("校验数据库和审计日志", lambda: verify(ctx)),
    ]


def run(extra: Sequence[Step] = (), out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every step in order (a step after a failed one still runs when it can); 0 when all passed."""
    out = out or sys.stdout
    err = err or sys.stderr
    folder = Path(tempfile.mkdtemp(prefix="xinqiao-selftest-"))
    ctx = Context(folder)
    failed = 0
    try:
        for label, step in [*core_steps(ctx), *extra]:
            started = time.perf_counter()
            try:
                step()
            except Exception as e:  # noqa: BLE001 - every failure is reported as one line, then the next step
                failed += 1
                reason = e.args[0] if isinstance(e, SelfTestFailure) else f"{type(e).__name__}: {e}"
                print(f"自检失败：{label}：{reason}", file=err)
                continue
            print(f"通过  {label}（{(time.perf_counter() - started) * 1000:.0f} 毫秒）", file=out)
    finally:
        if ctx.session is not None:
            ctx.session.close()
        shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        failed += 1
        print(f"自检失败：删除临时文件夹 {folder}：没有删干净，请手动删除。", file=err)
    if failed:
        print(f"自检未通过：{failed} 个步骤失败。", file=err)
        return 1
    print("自检通过：数据库、加密、计分、信件、图表、数据包和界面组件都能正常工作。", file=out)
    return 0


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def self_test_environment() -> None:
    """A headless machine (CI, a server) has no display: Qt then draws offscreen."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
