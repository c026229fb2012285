"""Archive transfer (档案转接): one student's archive, signed and encrypted to the receiving school's key or to a
one-time passphrase printed on a transfer slip; imported onto the matching student by registry number.

The ordinary tier goes by default; the confidential entries only by the counselor's explicit choice with a reason,
which the audit log keeps."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyrage

from app import clock
from app.accounts.model import Role
from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent, timeline
from app.archive.students import find_by_registry
from app.errors import InputRejected
from app.exchange import keys
from app.exchange.package import PackageRefused, open_package, safe_name, seal, write_checked
from app.exchange.school import own_identities, school_header
from app.exchange.slip import write_slip
from app.policy import can_read_confidential, can_sign_exchange, require
from app.session import Session
from app.store.errors import storage_errors

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I: read off paper


def one_time_passphrase() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(6))


@dataclass(frozen=True)
class TransferOut:
    path: Path
    package_id: str
    events: int
    confidential: bool
    passphrase: str | None
    slip: Path | None

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "package_id": self.package_id, "events": self.events,
                "confidential": self.confidential, "passphrase": self.passphrase,
                "slip": str(self.slip) if self.slip else None}


def school_key_text(session: Session) -> str:
    """The school's receiving key file (for archive transfers addressed to it)."""
    require(session, can_sign_exchange, "导出本校接收转接档案的公钥")
    session.require_confidential()
    with session.db.transaction():
        recipient = str(keys.age_identity(session.db, keys.SCHOOL_AGE).to_public())
    return (f"# 心桥 学校接收公钥（档案转接：发出学校用“transfer-out --recipient 文件”）\n"
            f"# 学校：{session.school_name()}\n# 指纹：{keys.fingerprint(recipient)}\n{recipient}\n")


@dataclass(frozen=True)
class SchoolKey:
    """A receiving school's key file, read: what to encrypt to, the fingerprint to check by phone, whose it is."""
    recipient: str
    fingerprint: str
    school: str


def read_school_key(path: Path) -> SchoolKey:
    """Read the key file a receiving school made with ``school-key --out`` (or 导出本校接收公钥 in the window)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputRejected(f"读不了 {path}：请使用接收学校用“school-key --out”（或“导出本校接收公钥”）导出的公钥文件。"
                            ) from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    found = [ln for ln in lines if ln.startswith("age1")]
    if len(found) != 1:
        raise InputRejected(f"{path} 不是学校的接收公钥文件（应有一行以 age1 开头的公钥）。"
                            "请向接收学校索取它用“导出本校接收公钥”导出的文件。")
    try:
        pyrage.x25519.Recipient.from_str(found[0])
    except pyrage.RecipientError:
        raise InputRejected(f"{path} 中的公钥格式不对（可能被改动或抄错）。请向接收学校重新索取公钥文件。") from None
    school = next((ln.removeprefix("# 学校：").strip() for ln in text.splitlines() if ln.startswith("# 学校：")), "")
    return SchoolKey(found[0], keys.fingerprint(found[0]), school)


class _OrdinaryView:
    """The session as the student's head teacher would see it. Providers apply the tier rules by the account, so
    this view yields exactly the ordinary tier (a counselor's own view may show a confidential note in the detail
    of an ordinary entry, such as a focus tag's note)."""

    def __init__(self, session: Session, class_id: int | None) -> None:
        self._session = session
        self.account = replace(session.account, role=Role.HEAD_TEACHER, class_id=class_id, manager=False)
        self.holds_confidential = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def ordinary_events(session: Session, student_id: int, class_id: int | None) -> list[TimelineEvent]:
    view: Any = _OrdinaryView(session, class_id)
    return [e for e in timeline(view, student_id) if e.tier == ORDINARY]


def _key(e: TimelineEvent) -> tuple[str, ...]:
    return (e.at, e.kind, e.source, e.title, e.detail)


def _event_json(e: TimelineEvent) -> dict[str, str]:
    return {"at": e.at, "kind": e.kind, "kind_label": e.kind_label, "title": e.title, "detail": e.detail,
            "tier": e.tier}


def slip_folder(session: Session) -> Path:
    """Where a transfer slip goes unless told otherwise: beside the vault on this PC's disk (``心桥转接单``), never
    on the stick that carries the package — the slip holds the passphrase that opens it."""
    return session.paths.root.parent / "心桥转接单"


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def transfer_out(session: Session, registry_no: str, folder: Path, *, recipient_file: Path | None = None,
                 passphrase: bool = False, confidential: bool = False, reason: str = "",
                 slip_to: Path | None = None) -> TransferOut:
    require(session, can_sign_exchange, "导出转接档案")
    session.require_confidential()
    db = session.db
    if confidential:
        require(session, can_read_confidential, "转出保密内容")
        if not reason.strip():
            raise InputRejected("转出保密内容必须写明理由（--reason），理由会记入审计日志。")
    if (recipient_file is None) == (not passphrase):
        raise InputRejected("请选择加密方式：接收学校的公钥文件（--recipient 文件），或一次性口令（--passphrase）。")
    slips = Path(slip_to) if slip_to is not None else slip_folder(session)
    if passphrase and _same_folder(slips, Path(folder)):
        raise InputRejected(f"转接单不能和档案包写在同一个文件夹（{folder}）：转接单上有口令，拿到U盘的人就能打开档案。"
                            "请为转接单另选一个本机文件夹（--slip-to）。")
    student = find_by_registry(db, session.account, registry_no)
    if student is None:
        raise InputRejected(f"本校没有学籍号为 {registry_no} 的学生。请核对学籍号。")
    recipient = None
    if recipient_file is not None:
        recipient = pyrage.x25519.Recipient.from_str(read_school_key(recipient_file).recipient)
    events = ordinary_events(session, student.id, student.class_id)
    if confidential:
        seen = {_key(e) for e in events}
        events += [replace(e, tier=CONFIDENTIAL) for e in timeline(session, student.id) if _key(e) not in seen]
    with db.transaction():
        signing = keys.signing_key(db)
    school = school_header(db)
    sequence = int(db.scalar("SELECT COUNT(*) FROM exchange_transfers WHERE direction = 'out'") or 0) + 1
    package_id = clock.new_uuid()
    payload = {"student": {"registry_no": student.registry_no, "name": student.name, "gender": student.gender,
                           "birth_date": student.birth_date, "class_name": student.class_name},
               "from_school": school["name"], "events": [_event_json(e) for e in events],
               "confidential": confidential, "reason": reason.strip() if confidential else ""}
    manifest = {"kind": "transfer", "schema_version": 1, "package_id": package_id, "school": school,
                "created_at": clock.now_iso(), "sequence": sequence, "supersedes": None,
                "record_counts": {"events": len(events),
                                  "confidential_events": sum(e.tier == CONFIDENTIAL for e in events)},
                "app_version": "xinqiao"}
    phrase = one_time_passphrase() if passphrase else None
    data = seal(manifest, payload, signing, [recipient] if recipient else None, passphrase=phrase)
    name = f"XinQiao_转接_{safe_name(student.registry_no)}_{package_id[:8]}.age"
    # a read-only or full stick is the counselor's to fix: a message in the form, not a crash report
    with storage_errors(folder):
        path = write_checked(Path(folder), name, data)
    slip = None
    if phrase:
        with storage_errors(slips):
            try:
                slips.mkdir(parents=True, exist_ok=True)
                slip = write_slip(slips / path.with_suffix(".pdf").name, school["name"], student.name,
                                  student.registry_no, path.name, phrase)
            except BaseException:
                path.unlink(missing_ok=True)     # a package without its slip opens for nobody: not left behind
                raise
    with db.transaction():
        db.execute("INSERT INTO exchange_transfers (direction, student_id, registry_no, package_id, other_school,"
                   " confidential, reason, file_path, events, at, by_user) VALUES ('out', :s, :r, :p, '', :c, :why,"
                   " :f, :n, :t, :u)",
                   {"s": student.id, "r": student.registry_no, "p": package_id, "c": int(confidential),
                    "why": reason.strip(), "f": str(path.resolve()), "n": len(events), "t": manifest["created_at"],
                    "u": session.account.username})
        session.audit("export", str(path.resolve()),
                      {"what": "档案转接", "student": student.registry_no, "package_id": package_id,
                       "confidential": confidential, "reason": reason.strip(), "events": len(events),
                       "encrypted": True, "to": "passphrase" if phrase else str(recipient_file)})
    return TransferOut(path, package_id, len(events), confidential, phrase, slip)


@dataclass(frozen=True)
class TransferIn:
    student_id: int
    registry_no: str
    name: str
    from_school: str
    events: int
    confidential_events: int
    already: bool
    kinds: tuple[tuple[str, int], ...] = ()     # what came: (kind of record, how many), in the order first seen
    sent_at: str = ""                            # when the sending school made the package

    def as_json(self) -> dict[str, Any]:
        return {"registry_no": self.registry_no, "name": self.name, "from_school": self.from_school,
                "events": self.events, "confidential_events": self.confidential_events, "already": self.already,
                "kinds": [{"kind": k, "count": n} for k, n in self.kinds], "sent_at": self.sent_at}

    def summary(self) -> str:
        """What came, in Chinese: "谈话记录 3 条、重点关注 1 条"."""
        return "、".join(f"{k} {n} 条" for k, n in self.kinds) or "没有记录"


def _kinds(events: list[dict[str, Any]]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for e in events:
        counts[str(e["kind_label"])] = counts.get(str(e["kind_label"]), 0) + 1
    return tuple(counts.items())


def _check_lock(data: bytes, where: str, passphrase: str | None) -> None:
    """A passphrase package opened without its passphrase, or a key package with one, says which lock it has
    (age alone would call the first "not for you" and the second "wrong passphrase")."""
    if not data.startswith(b"age-encryption.org/v1\n"):
        return                                   # armoured or not age at all: open_package says what it is
    header = data.split(b"\n---", 1)[0]
    by_phrase = b"\n-> scrypt " in header
    if by_phrase and not passphrase:
        raise PackageRefused("foreign", f"{where}：这份转接档案是用一次性口令加密的。请在“一次性口令”中输入转接单上的"
                             "口令（命令行放在环境变量 XINQIAO_TRANSFER_PASSPHRASE 中）后再导入。")
    if passphrase and not by_phrase and b"\n-> X25519 " in header:
        raise PackageRefused("foreign", f"{where}：这份转接档案是用接收学校的公钥加密的，不需要口令。"
                             "请把“一次性口令”留空后再导入。")


def transfer_in(session: Session, path: Path, *, passphrase: str | None = None) -> TransferIn:
    require(session, can_sign_exchange, "导入转接档案")
    session.require_confidential()
    try:
        data = path.read_bytes()
    except OSError:
        raise InputRejected(f"读不了 {path}：文件不存在或无法读取。") from None
    if passphrase is not None:
        passphrase = passphrase.strip().upper() or None
    _check_lock(data, path.name, passphrase)
    try:
        opened = open_package(data, path.name, identities=None if passphrase else own_identities(session),
                              passphrase=passphrase)
    except PackageRefused as refused:
        if refused.kind == "foreign" and not passphrase:      # the district wording speaks of a centre: say "school"
            raise PackageRefused("foreign", f"{path.name}：这份转接档案不是加密给本校的（可能是发给另一所学校的，"
                                 "或文件已损坏），无法解密。请向发出学校核实：它用的应是本校导出的接收公钥"
                                 "（打电话核对指纹）。") from None
        raise
    m, p = opened.manifest, opened.payload
    if m["kind"] != "transfer":
        raise PackageRefused("malformed", f"{path.name}：这是区县上报包，不是档案转接包。")
    db = session.db
    student = find_by_registry(db, session.account, p["student"]["registry_no"])
    if student is None:
        raise InputRejected(f"本校没有学籍号为 {p['student']['registry_no']} 的学生（{p['student']['name']}）。"
                            "请先在花名册中导入这名学生，再导入转接档案。")
    sent_name = str(p["student"].get("name", "")).strip()
    if sent_name and "".join(sent_name.split()) != "".join(student.name.split()):
        # one mistyped digit on either side would put another child's archive (confidential parts too) here
        raise InputRejected(f"转接档案中学籍号 {student.registry_no} 的学生是“{sent_name}”，本校花名册中这个学籍号的学生是"
                            f"“{student.name}”，姓名不一致，未导入。请与发出学校核对学籍号；如学生确已改名，"
                            "请先在学生档案中更正姓名后再导入。")
    events = p["events"]
    conf = [e for e in events if e["tier"] == CONFIDENTIAL]
    seen = db.scalar("SELECT id FROM exchange_transfers WHERE package_id = :p AND direction = 'in'",
                     {"p": m["package_id"]})
    if seen is not None:
        return TransferIn(student.id, student.registry_no, student.name, p["from_school"], len(events), len(conf),
                          True, _kinds(events), str(m["created_at"]))
    with db.transaction():
        cur = db.execute("INSERT INTO exchange_transfers (direction, student_id, registry_no, package_id, other_school,"
                         " confidential, reason, file_path, events, at, by_user) VALUES ('in', :s, :r, :p, :o, :c,"
                         " '', :f, :n, :t, :u)",
                         {"s": student.id, "r": student.registry_no, "p": m["package_id"], "o": p["from_school"],
                          "c": int(bool(conf)), "f": str(path.resolve()), "n": len(events), "t": clock.now_iso(),
                          "u": session.account.username})
        tid = cur.lastrowid
        for e in events:
            table = "conf.exchange_transfer_events" if e["tier"] == CONFIDENTIAL else "exchange_transfer_events"
            db.execute(f"INSERT INTO {table} (transfer_id, student_id, at, kind_label, title, detail)"
                       " VALUES (:t, :s, :at, :k, :ti, :d)",
                       {"t": tid, "s": student.id, "at": e["at"], "k": e["kind_label"], "ti": e["title"],
                        "d": e["detail"]})
        session.audit("transfer_in", str(path.resolve()),
                      {"student": student.registry_no, "from": p["from_school"], "package_id": m["package_id"],
                       "events": len(events), "confidential_events": len(conf),
                       "signing_fingerprint": opened.fingerprint})
    return TransferIn(student.id, student.registry_no, student.name, p["from_school"], len(events), len(conf), False,
                      _kinds(events), str(m["created_at"]))


def student_events(session: Session, student_id: int) -> list[TimelineEvent]:
    """The timeline entries a transfer brought (confidential ones only for a counselor)."""
    rows: list[tuple[Any, ...]] = []
    base = ("SELECT e.at, e.kind_label, e.title, e.detail, t.other_school, e.id FROM {t} e JOIN exchange_transfers t"
            " ON t.id = e.transfer_id WHERE e.student_id = :s ORDER BY e.at, e.id")
    rows = [(*r, ORDINARY) for r in session.db.query(base.format(t="exchange_transfer_events"), {"s": student_id})]
    if can_read_confidential(session.account) and session.holds_confidential:
        rows += [(*r, CONFIDENTIAL) for r in
                 session.db.query(base.format(t="conf.exchange_transfer_events"), {"s": student_id})]
    return [TimelineEvent(at=str(r[0]), kind="transfer", kind_label="转入档案",
                          title=f"{r[1]}：{r[2]}（来自 {r[4]}）", detail=str(r[3]), tier=str(r[6]),
                          source=f"exchange_transfer_events:{r[5]}") for r in rows]


def transfers(session: Session) -> list[dict[str, Any]]:
    rows = session.db.query("SELECT direction, registry_no, other_school, confidential, reason, file_path, events, at,"
                            " by_user FROM exchange_transfers ORDER BY id DESC")
    return [dict(zip(("direction", "registry_no", "other_school", "confidential", "reason", "file", "events", "at",
                      "by"), tuple(r), strict=True)) for r in rows]


