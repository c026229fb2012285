"""The county centre's side: its age identity and public key file, the register of schools, importing packages
from a folder, and the district view of a period."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import clock
from app.errors import InputRejected
from app.exchange import keys
from app.exchange.package import Opened, PackageRefused, open_package, write_checked
from app.exchange.school import is_centre
from app.policy import can_sign_exchange, require
from app.session import Session
from app.store.db import Database

Progress = Callable[[int, int], None]


def require_centre(session: Session, what: str) -> None:
    if not is_centre(session.db):
        raise InputRejected(f"这是学校的数据，不能{what}：区县中心的数据要用“init --centre”单独建立。")
    require(session, can_sign_exchange, what)
    session.require_confidential()


def public_key_text(session: Session) -> str:
    require_centre(session, "导出区县中心公钥")
    with session.db.transaction():
        ident = keys.centre_identity(session.db)
    recipient = str(ident.to_public())
    return (f"# 心桥 区县心理辅导中心公钥（发给各校，用“set-centre-key 文件”导入）\n# 中心：{session.school_name()}\n"
            f"# 指纹：{keys.fingerprint(recipient)}（请学校电话核对）\n{recipient}\n")


def write_public_key(session: Session, path: Path) -> tuple[Path, str]:
    text = public_key_text(session)
    recipient = text.strip().splitlines()[-1]
    out = write_checked(path.parent if str(path.parent) else Path("."), path.name, text.encode("utf-8"))
    with session.db.transaction():
        session.audit("exchange_centre_key_out", str(out.resolve()), {"fingerprint": keys.fingerprint(recipient)})
    return out, keys.fingerprint(recipient)


@dataclass
class Outcome:
    file: str
    status: str          # imported | registered | older | replay | refused
    reason: str = ""
    kind: str = ""       # for refused: foreign, tampered, malformed, schema, signature, key_changed, replay
    school: str = ""
    period: str = ""
    sequence: int | None = None
    reg_key: str = ""    # the register's key of the school (its code, or its name): what a key change confirms

    @property
    def failed(self) -> bool:
        return self.status == "refused"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "status": self.status, "reason": self.reason, "kind": self.kind,
                "school": self.school, "period": self.period, "sequence": self.sequence}


def reg_key(school: dict[str, str]) -> str:
    return school["code"].strip() or school["name"].strip()


def package_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputRejected(f"找不到文件夹 {folder}：请选择插着U盘的盘符或存放上报包的文件夹。")
    return sorted(p for p in folder.rglob("*.age") if p.is_file() and not p.name.startswith("."))


def open_all(session: Session, files: Iterable[Path], progress: Progress | None = None
             ) -> tuple[list[tuple[Path, Opened]], list[Outcome]]:
    """Decrypt and verify every file (no writes): the good ones, and an outcome for each refused one."""
    with session.db.transaction():
        ident = keys.centre_identity(session.db)
    good, bad = [], []
    files = list(files)
    for i, f in enumerate(files):
        try:
            opened = open_package(f.read_bytes(), f.name, identities=[ident])
            if opened.manifest["kind"] != "report":
                raise PackageRefused("malformed", f"{f.name}：这是档案转接包，不是区县上报包，不能导入到中心。")
            good.append((f, opened))
        except PackageRefused as e:
            bad.append(Outcome(str(f), "refused", str(e), e.kind))
        except OSError as e:
            bad.append(Outcome(str(f), "refused", f"{f.name}：读不了这个文件（{e.strerror}）。", "malformed"))
        if progress:
            progress(i + 1, len(files))
    return good, bad


def import_packages(session: Session, folder: Path, *, confirm_key_change: Iterable[str] = (),
                    progress: Progress | None = None) -> list[Outcome]:
    """Import every package in ``folder``: one transaction, one audit line per package taken in."""
    require_centre(session, "导入区县上报包")
    confirm = {c.strip() for c in confirm_key_change}
    good, outcomes = open_all(session, package_files(folder), progress)
    good.sort(key=lambda fo: (reg_key(fo[1].manifest["school"]), fo[1].manifest["sequence"]))
    db, now, user = session.db, clock.now_iso(), session.account.username
    with db.transaction():
        schools = {str(r[0]): (int(r[1]), str(r[2]), str(r[3])) for r in
                   db.query("SELECT reg_key, id, fingerprint, public_key FROM exchange_schools")}
        for f, op in good:
            m = op.manifest
            school, period = m["school"], m["period"]
            key = reg_key(school)
            o = Outcome(str(f), "imported", school=school["name"], period=period["code"], sequence=m["sequence"],
                        reg_key=key)
            known = schools.get(key)
            if known is None:
                cur = db.execute("INSERT INTO exchange_schools (reg_key, name, code, school_uuid, public_key, fingerprint,"
                                 " confirmed_at, confirmed_by) VALUES (:k, :n, :c, :u, :p, :f, :t, :b)",
                                 {"k": key, "n": school["name"], "c": school["code"], "u": school["uuid"],
                                  "p": op.public_key, "f": op.fingerprint, "t": now, "b": user})
                known = schools[key] = (int(cur.lastrowid or 0), op.fingerprint, op.public_key)
                o.status = "registered"
                o.reason = (f"新登记学校“{school['name']}”，签名密钥指纹 {op.fingerprint}：请打电话与学校核对这个指纹。")
                session.audit("exchange_school_registered", school["name"], {"fingerprint": op.fingerprint})
            elif known[2] != op.public_key:
                if key not in confirm:
                    o.status, o.kind = "refused", "key_changed"
                    o.reason = (f"{f.name}：学校“{school['name']}”的签名密钥与登记的不同（登记的指纹 {known[1]}，这份包的 "
                                f"{op.fingerprint}）。未导入。如果学校确实更换了密钥（如重装电脑），先电话核对新指纹，再用 "
                                f"--confirm-key-change {key} 导入（窗口中：确认更换密钥）。")
                    outcomes.append(o)
                    continue
                hist = json.loads(db.scalar("SELECT key_history FROM exchange_schools WHERE id = :i", {"i": known[0]}))
                hist.append({"fingerprint": known[1], "replaced_at": now, "by": user})
                db.execute("UPDATE exchange_schools SET public_key = :p, fingerprint = :f, confirmed_at = :t,"
                           " confirmed_by = :b, key_history = :h WHERE id = :i",
                           {"p": op.public_key, "f": op.fingerprint, "t": now, "b": user,
                            "h": json.dumps(hist), "i": known[0]})
                session.audit("exchange_key_change", school["name"], {"old": known[1], "new": op.fingerprint})
                schools[key] = known = (known[0], op.fingerprint, op.public_key)
            sid = known[0]
            seen = db.one("SELECT imported_at FROM exchange_packages WHERE package_id = :p", {"p": m["package_id"]})
            if seen is not None:
                o.status, o.kind = "replay", "replay"
                o.reason = f"{f.name}：这份上报已于 {str(seen[0])[:16]} 导入过（重复或重放），未作任何改动。"
                outcomes.append(o)
                continue
            if db.one("SELECT 1 FROM exchange_packages WHERE school_id = :s AND sequence = :q",
                      {"s": sid, "q": m["sequence"]}) is not None:
                o.status, o.kind = "refused", "replay"
                o.reason = (f"{f.name}：学校“{school['name']}”的第 {m['sequence']} 号包已经导入过另一份内容，"
                            "这份包是重放或伪造的，未导入。")
                outcomes.append(o)
                continue
            newest = db.scalar("SELECT MAX(sequence) FROM exchange_packages WHERE school_id = :s AND period_code = :p",
                               {"s": sid, "p": period["code"]})
            current = newest is None or int(newest) < m["sequence"]
            db.execute("INSERT INTO exchange_packages (package_id, school_id, sequence, period_code, period_label,"
                       " created_at, imported_at, imported_by, file_name, file_sha256, payload, current) VALUES"
                       " (:id, :s, :q, :p, :l, :c, :t, :b, :f, :h, :pl, :cur)",
                       {"id": m["package_id"], "s": sid, "q": m["sequence"], "p": period["code"], "l": period["label"],
                        "c": m["created_at"], "t": now, "b": user, "f": f.name, "h": op.file_sha256,
                        "pl": json.dumps(op.payload, ensure_ascii=False), "cur": 1 if current else 0})
            if current:
                db.execute("UPDATE exchange_packages SET current = 0 WHERE school_id = :s AND period_code = :p"
                           " AND package_id != :id", {"s": sid, "p": period["code"], "id": m["package_id"]})
            else:
                o.status, o.kind = "older", "older"
                o.reason = (f"{f.name}：比已导入的同期上报（第 {newest} 号）旧，已存档但不覆盖较新的数据。")
            session.audit("exchange_import", str(f), {"school": school["name"], "period": period["code"],
                                                      "package_id": m["package_id"], "sequence": m["sequence"],
                                                      "current": current})
            outcomes.append(o)
    return outcomes


def schools(session: Session) -> list[dict[str, Any]]:
    require_centre(session, "查看学校登记")
    rows = session.db.query("SELECT name, code, fingerprint, confirmed_at, confirmed_by, key_history"
                            " FROM exchange_schools ORDER BY code, name")
    return [{"name": r[0], "code": r[1], "fingerprint": r[2], "confirmed_at": r[3], "confirmed_by": r[4],
             "key_changes": len(json.loads(r[5]))} for r in rows]


def district_rows(db: Database, codes: Sequence[str]) -> list[tuple[int, str, str]]:
    """(school id, period code, payload JSON) of the current package of every school for each of ``codes``."""
    if not codes:
        return []
    marks = ", ".join(f":c{i}" for i in range(len(codes)))
    return [(int(r[0]), str(r[1]), str(r[2])) for r in db.query(
        f"SELECT school_id, period_code, payload FROM exchange_packages WHERE current = 1 AND period_code IN ({marks})",
        {f"c{i}": c for i, c in enumerate(codes)})]


def periods(session: Session) -> list[str]:
    return [str(r[0]) for r in session.db.query(
        "SELECT DISTINCT period_code FROM exchange_packages ORDER BY period_code DESC")]


def district(session: Session, period: str) -> dict[str, Any]:
    """Every registered school's current figures for ``period`` (a period code), and the schools missing."""
    require_centre(session, "查看全区情况")
    period = period.strip()
    rows = session.db.query(
        "SELECT s.name, s.code, s.fingerprint, p.package_id, p.sequence, p.created_at, p.imported_at, p.payload,"
        " p.period_label FROM exchange_schools s LEFT JOIN exchange_packages p ON p.school_id = s.id"
        " AND p.period_code = :p AND p.current = 1 ORDER BY s.code, s.name", {"p": period})
    columns: dict[str, dict[str, Any]] = {}
    reported, missing = [], []
    for r in rows:
        if r[3] is None:
            missing.append({"name": r[0], "code": r[1]})
            continue
        payload = json.loads(r[7])
        figures = {}
        for f in payload.get("figures", []):
            columns.setdefault(f["key"], {"key": f["key"], "area": f["area"], "title": f["title"],
                                          "unit": f.get("unit", ""), "target": f.get("target")})
            figures[f["key"]] = {"value": f["value"], "target": f.get("target"), "ok": f.get("ok")}
        named = {k: len(v) for k, v in payload.get("named", {}).items()}
        reported.append({"name": r[0], "code": r[1], "fingerprint": r[2], "package_id": r[3], "sequence": r[4],
                         "created_at": r[5], "imported_at": r[6], "period_label": r[8], "figures": figures,
                         "named_counts": named,
                         "not_ok": sorted(k for k, v in figures.items() if v["ok"] is False)})
    return {"period": period, "columns": list(columns.values()), "schools": reported, "missing": missing,
            "registered": len(rows)}


def district_workbook_rows(view: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The district table as spreadsheet rows: one school a row, value and target per figure."""
    cols = view["columns"]
    headers = ["学校", "代码"] + [f"{c['title']}" + (f"（目标 {c['target']}）" if c["target"] is not None else "")
                                  for c in cols] + ["未达标项"]
    rows: list[list[Any]] = []
    titles = {c["key"]: c["title"] for c in cols}
    for s in view["schools"]:
        rows.append([s["name"], s["code"]] + [s["figures"].get(c["key"], {}).get("value", "") for c in cols]
                    + ["、".join(titles.get(k, k) for k in s["not_ok"])])
    for m in view["missing"]:
        rows.append([m["name"], m["code"]] + ["" for _ in cols] + ["未上报"])
    return headers, rows


def save_district_xlsx(session: Session, period: str, path: Path) -> Path:
    """The district table as an .xlsx (figures of schools, no student named: written plain), audited."""
    from app.tabular.writing import append_row, new_workbook, workbook_bytes

    view = district(session, period)
    headers, rows = district_workbook_rows(view)
    wb, ws = new_workbook(f"{view['period']} 各校指标", headers)
    for row in rows:
        append_row(ws, row)
    out = write_checked(path.parent, path.name, workbook_bytes(wb))
    with session.db.transaction():
        session.audit("export", str(out.resolve()), {"what": "全区指标", "period": view["period"], "encrypted": False,
                                                     "named": False})
    return out
