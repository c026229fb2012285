"""The school side: the centre's public key, the export policy, exporting a period, the export history."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage

from app import clock
from app.archive.students import get_student, reviewed_levels
from app.errors import InputRejected, XinqiaoError
from app.exchange import keys
from app.exchange.package import Opened, PackageRefused, open_package, safe_name, seal, write_checked
from app.indicators.compute import compute
from app.indicators.model import Figure, Period
from app.indicators.periods import period_code
from app.policy import can_set_exchange, can_sign_exchange, require
from app.session import Session
from app.store.db import Database
from app.store.settings import get_setting

CENTRE_KEY = "exchange.centre_key"
POLICY = "exchange.policy"
NAMED_KINDS = {"level1": "一级预警学生", "crisis": "危机个案"}
DEFAULT_POLICY: dict[str, Any] = {"period": "month", "named": []}


def is_centre(db: Database) -> bool:
    return get_setting(db, "mode") == "centre"


def centre_key(db: Database) -> dict[str, str] | None:
    found = get_setting(db, CENTRE_KEY)
    return dict(found) if isinstance(found, dict) else None


def set_centre_key(session: Session, path: Path) -> dict[str, str]:
    """Import the centre's public key file; returns the recipient, its fingerprint and the centre's name."""
    require(session, can_set_exchange, "导入区县中心的公钥")
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputRejected(f"读不了 {path}：请确认它是区县中心给的公钥文件（文本文件）。") from None
    recipient = keys.parse_recipient(text, str(path))
    centre = ""
    for line in text.splitlines():
        if line.startswith("# 中心："):
            centre = line.removeprefix("# 中心：").strip()
    value = {"recipient": recipient, "fingerprint": keys.fingerprint(recipient), "centre": centre,
             "imported_at": clock.now_iso(), "file": str(path)}
    db = session.db
    with db.transaction():
        old = centre_key(db)
        db.execute("INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = :v",
                   {"k": CENTRE_KEY, "v": json.dumps(value, ensure_ascii=False)})
        session.audit("exchange_centre_key", str(path),
                      {"fingerprint": value["fingerprint"], "replaced": old["fingerprint"] if old else None})
    return value


def export_policy(db: Database) -> dict[str, Any]:
    found = get_setting(db, POLICY)
    return dict(found) if isinstance(found, dict) else dict(DEFAULT_POLICY)


def set_export_policy(session: Session, *, period: str, named: list[str]) -> dict[str, Any]:
    require(session, can_set_exchange, "修改区县上报策略")
    if period not in ("month", "semester"):
        raise InputRejected("上报周期只能是 month（每月）或 semester（每学期）。")
    bad = [n for n in named if n not in NAMED_KINDS]
    if bad:
        raise InputRejected(f"不认识的实名上报类别：{'、'.join(bad)}。可选：level1（一级预警学生）、crisis（危机个案）。")
    value = {"period": period, "named": sorted(set(named))}
    with session.db.transaction():
        session.db.execute("INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = :v",
                           {"k": POLICY, "v": json.dumps(value)})
        session.audit("exchange_policy", "", value)
    return value


def school_identity(db: Database) -> pyrage.x25519.Identity:
    """The school's own age identity (made on first need, in the confidential tier)."""
    return keys.age_identity(db, keys.SCHOOL_AGE)


def own_identities(session: Session) -> list[pyrage.x25519.Identity]:
    """Every age identity this vault holds (the school's own; the centre's in centre mode)."""
    if not session.holds_confidential:
        return []
    rows = session.db.query("SELECT name, secret FROM conf.exchange_keys WHERE name IN ('school_age', 'centre_age')")
    return [pyrage.x25519.Identity.from_str(str(r[1])) for r in rows]


def school_header(db: Database) -> dict[str, str]:
    r = db.one("SELECT name, code, uuid FROM school WHERE id = 1")
    assert r is not None
    return {"name": str(r[0]), "code": str(r[1]), "uuid": str(r[2])}


def figure_row(f: Figure) -> dict[str, Any]:
    """What a package carries of a figure: the numbers and the count of evidence, never the evidence labels (they
    can name students)."""
    return {"key": f.key, "area": f.area, "title": f.title, "counts": f.counts, "value": f.value, "unit": f.unit,
            "target": f.target, "ok": f.ok, "breakdown": f.breakdown,
            "evidence_count": sum(1 for e in f.evidence if not e.missing),
            "missing_count": sum(1 for e in f.evidence if e.missing)}


def _named_records(session: Session, period: Period, named: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The named records the policy allows, minimised: who, which class, the level or the case's dates."""
    db, out = session.db, {}
    if "level1" in named:
        rows = []
        for sid, lvl in sorted(reviewed_levels(db).items()):
            if lvl == 1:
                s = get_student(db, session.account, sid)
                rows.append({"ref": s.uuid, "name": s.name, "registry_no": s.registry_no, "class_name": s.class_name,
                             "gender": s.gender, "level": 1})
        out["level1"] = rows
    if "crisis" in named:
        # the case's ordinary columns only (never summary, note or closing note)
        cases = db.query("SELECT uuid, student_id, level, opened_at, status FROM crisis_cases"
                         " WHERE opened_at < :e AND (closed_at IS NULL OR closed_at >= :s) ORDER BY opened_at",
                         {"s": period.start_iso, "e": period.end_next_iso})
        rows = []
        for c in cases:
            s = get_student(db, session.account, int(c[1]))
            rows.append({"ref": str(c[0]), "name": s.name, "registry_no": s.registry_no, "class_name": s.class_name,
                         "gender": s.gender, "level": str(c[2]), "opened_at": str(c[3])[:10], "status": str(c[4])})
        out["crisis"] = rows
    return out


@dataclass(frozen=True)
class ExportResult:
    path: Path
    package_id: str
    sequence: int
    period_code: str
    period_label: str
    counts: dict[str, int]
    fingerprint: str
    centre_fingerprint: str
    superseded: str | None
    named: list[str] = field(default_factory=list)

    @property
    def safe_message(self) -> str:
        return f"已写入并读回核对无误：{self.path}。现在可以安全拔出U盘。"

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "package_id": self.package_id, "sequence": self.sequence,
                "period": self.period_code, "period_label": self.period_label, "counts": self.counts,
                "signing_fingerprint": self.fingerprint, "centre_fingerprint": self.centre_fingerprint,
                "supersedes": self.superseded, "named": self.named, "safe_to_remove": True,
                "message": self.safe_message}


def export_period(session: Session, period: Period, folder: Path) -> ExportResult:
    """Compute the period's figures, sign, encrypt to the centre (and the school itself), write, read back."""
    require(session, can_sign_exchange, "导出区县上报包")
    session.require_confidential()
    db = session.db
    centre = centre_key(db)
    if centre is None:
        raise InputRejected("还没有导入区县中心的公钥：请先在“区县上报”设置中导入中心给的公钥文件"
                            "（命令行：set-centre-key 文件）。")
    with db.transaction():       # the keys are made once, on first need
        signing = keys.signing_key(db)
        own = school_identity(db)
    code = period_code(period)
    policy = export_policy(db)
    named = list(policy.get("named") or [])
    figures = compute(session, period)
    records = _named_records(session, period, named)
    payload = {"figures": [figure_row(f) for f in figures], "named": records}
    school = school_header(db)
    sequence = int(db.scalar("SELECT COALESCE(MAX(sequence), 0) FROM exchange_exports") or 0) + 1
    previous = db.one("SELECT id, package_id FROM exchange_exports WHERE period_code = :p AND superseded_by IS NULL",
                      {"p": code})
    package_id = clock.new_uuid()
    supersedes = str(previous[1]) if previous else None
    counts = {"figures": len(figures), **{k: len(v) for k, v in records.items()}}
    manifest = {"kind": "report", "schema_version": 1, "package_id": package_id, "school": school,
                "period": {"kind": period.kind, "code": code, "label": period.label, "start": period.start_iso,
                           "end": period.end_iso},
                "created_at": clock.now_iso(), "sequence": sequence,
                "supersedes": supersedes, "record_counts": counts,
                "named_records": named, "app_version": "xinqiao"}
    data = seal(manifest, payload, signing,
                [pyrage.x25519.Recipient.from_str(centre["recipient"]), own.to_public()])
    name = f"XinQiao_{safe_name(school['code'] or school['name'])}_{code}_{sequence:04d}.age"
    path = write_checked(Path(folder), name, data)
    try:
        opened = open_package(path.read_bytes(), str(path), identities=[own])
    except PackageRefused as e:
        raise XinqiaoError(f"写入后读回的包校验失败：{e}。请换一个U盘或文件夹重新导出。") from None
    with db.transaction():
        cur = db.execute("INSERT INTO exchange_exports (package_id, sequence, period_code, period_label, file_path,"
                         " file_sha256, counts, named, created_at, created_by) VALUES (:id, :seq, :p, :l, :f, :h, :c,"
                         " :n, :t, :u)",
                         {"id": package_id, "seq": sequence, "p": code, "l": period.label, "f": str(path.resolve()),
                          "h": opened.file_sha256, "c": json.dumps(counts), "n": json.dumps(named),
                          "t": manifest["created_at"], "u": session.account.username})
        export_id = cur.lastrowid
        if previous:
            db.execute("UPDATE exchange_exports SET superseded_by = :n WHERE id = :o", {"n": export_id, "o": previous[0]})
        items = [(export_id, "figure", f.key) for f in figures]
        items += [(export_id, kind if kind == "level1" else "crisis_case", r["ref"])
                  for kind, rows in records.items() for r in rows]
        db.executemany("INSERT OR IGNORE INTO exchange_export_items (export_id, kind, ref) VALUES (?, ?, ?)", items)
        session.audit("export", str(path.resolve()),
                      {"what": "区县上报包", "period": code, "package_id": package_id, "sequence": sequence,
                       "named": named, "encrypted": True, "supersedes": supersedes})
    return ExportResult(path, package_id, sequence, code, period.label, counts, opened.fingerprint,
                        centre["fingerprint"], supersedes, named)


def export_history(session: Session) -> list[dict[str, Any]]:
    rows = session.db.query("SELECT e.package_id, e.sequence, e.period_code, e.period_label, e.file_path, e.counts,"
                            " e.named, e.created_at, e.created_by, s.package_id FROM exchange_exports e"
                            " LEFT JOIN exchange_exports s ON s.id = e.superseded_by ORDER BY e.sequence DESC")
    return [{"package_id": r[0], "sequence": r[1], "period": r[2], "period_label": r[3], "path": r[4],
             "counts": json.loads(r[5]), "named": json.loads(r[6]), "created_at": r[7], "created_by": r[8],
             "superseded_by": r[9]} for r in rows]


def carrying_package(db: Database, kind: str, ref: str) -> str | None:
    """The package that last carried a record (a figure key, a level-1 student's or a crisis case's uuid)."""
    r = db.scalar("SELECT e.package_id FROM exchange_export_items i JOIN exchange_exports e ON e.id = i.export_id"
                  " WHERE i.kind = :k AND i.ref = :r ORDER BY e.sequence DESC LIMIT 1", {"k": kind, "r": ref})
    return str(r) if r is not None else None


def verify_file(session: Session, path: Path) -> tuple[Opened, str]:
    """Check a package's structure and signature with the keys this vault holds; returns it and whose key signed
    it (said in Chinese). Raises ``PackageRefused``."""
    try:
        data = path.read_bytes()
    except OSError:
        raise PackageRefused("malformed", f"读不了 {path}：文件不存在或无法读取。") from None
    identities = own_identities(session)
    if not identities:
        raise PackageRefused("foreign", "这个账号不能解密上报包：请由心理教师登录后核对。")
    opened = open_package(data, str(path), identities=identities)
    signer = f"签名指纹 {opened.fingerprint}"
    if not is_centre(session.db):
        mine = keys.stored_signing_public(session.db)
        if mine is not None and opened.manifest["kind"] == "report" and opened.public_key != mine \
                and opened.manifest["school"]["uuid"] == school_header(session.db)["uuid"]:
            raise PackageRefused("signature", f"{path}：包上的签名密钥不是本校的签名密钥，不能当作本校导出的包。")
        signer += "（本校签名密钥）" if opened.public_key == mine else ""
    return opened, signer
