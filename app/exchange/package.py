"""The package file: a signed document (manifest + payload) encrypted with age.

Inside the age encryption is one UTF-8 JSON envelope::

    {"format": "xinqiao-exchange", "signed": "<JSON text of {manifest, payload}>",
     "signature": {"algorithm": "Ed25519", "public_key": "<base64>", "fingerprint": "...", "value": "<base64>"}}

The signature covers the exact UTF-8 bytes of ``signed``, so any reader can check it without re-serialising JSON.
The manifest's ``content_hashes.payload`` is the SHA-256 of the payload serialised canonically (sorted keys, no
spaces, UTF-8). ``docs/exchange-format.md`` is the specification; ``resources/exchange/package.schema.json`` the
JSON Schema of both layers.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.errors import InputRejected
from app.exchange.keys import b64, fingerprint, public_bytes, unb64, verify
from app.store.fileio import fsync_dir

FORMAT = "xinqiao-exchange"
SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "resources" / "exchange" / "package.schema.json"
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f"*/:<>?\\|\s]+')


class PackageRefused(InputRejected):
    """A package that cannot be accepted; ``kind`` is one of foreign, tampered, malformed, schema, signature,
    key_changed, replay, unknown_key."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    payload: dict[str, Any]
    public_key: str          # base64 raw Ed25519
    fingerprint: str
    file_sha256: str         # of the encrypted file as it lies on the stick


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@cache
def schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_FILE.read_text("utf-8")))


@cache
def _validator(definition: str) -> jsonschema.protocols.Validator:
    full = schema()
    sub = {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": f"#/$defs/{definition}"}
    cls = jsonschema.validators.validator_for(full)
    return cls(sub)


def schema_problem(obj: Any, definition: str) -> str | None:
    """The first way ``obj`` breaks the schema's ``definition`` (envelope, content), said briefly, or None."""
    errors = sorted(_validator(definition).iter_errors(obj), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    e = errors[0]
    where = "/".join(str(p) for p in e.absolute_path) or "（顶层）"
    return f"{where}：{e.message}"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _strings(obj: Any, names: tuple[str, ...]) -> bool:
    return isinstance(obj, dict) and all(isinstance(obj.get(n), str) for n in names)


def _figure_problem(i: int, f: Any) -> str | None:
    if not (_strings(f, ("key", "area", "title")) and f["key"]):
        return f"payload/figures/{i}：缺少 key、area 或 title"
    if not _is_number(f.get("value")) or not (f.get("target") is None or _is_number(f["target"])) \
            or f.get("ok") not in (True, False, None) or "ok" not in f or "target" not in f:
        return f"payload/figures/{i}：value、target 或 ok 的类型不对"
    if not isinstance(f.get("breakdown", {}), dict) or any(
            not (isinstance(f.get(k, 0), int) and not isinstance(f.get(k, 0), bool) and f.get(k, 0) >= 0)
            for k in ("evidence_count", "missing_count")):
        return f"payload/figures/{i}：breakdown 或计数的类型不对"
    return None


def payload_problem(kind: str, payload: Any) -> str | None:
    """The payload checked against the schema's ``report`` or ``transfer`` definition, by hand: jsonschema takes
    some 30 ms a package on 40 figures, too slow for a centre's stick of 3,600 (``docs/performance.md``). The tests
    hold this check and the schema to the same packages."""
    if kind == "report":
        figures, named = payload.get("figures"), payload.get("named")
        if not isinstance(figures, list) or not isinstance(named, dict):
            return "payload：缺少 figures 或 named"
        for i, f in enumerate(figures):
            problem = _figure_problem(i, f)
            if problem:
                return problem
        for k, rows in named.items():
            if k not in ("level1", "crisis") or not isinstance(rows, list) or not all(
                    _strings(r, ("ref", "name", "registry_no", "class_name")) for r in rows):
                return f"payload/named/{k}：格式不对"
        return None
    if not (_strings(payload, ("from_school",)) and _strings(payload.get("student"), ("registry_no", "name"))
            and isinstance(payload.get("confidential"), bool) and isinstance(payload.get("events"), list)):
        return "payload：缺少 student、from_school、events 或 confidential"
    for i, e in enumerate(payload["events"]):
        if not _strings(e, ("at", "kind", "kind_label", "title", "detail")) or e.get("tier") not in (
                "ordinary", "confidential"):
            return f"payload/events/{i}：格式不对"
    return None


def content_problem(content: Any) -> str | None:
    """The signed content: the manifest against the schema, the payload by ``payload_problem``."""
    if not isinstance(content, dict) or set(content) != {"manifest", "payload"} \
            or not isinstance(content["payload"], dict):
        return "（顶层）：应只有 manifest 和 payload"
    problem = schema_problem(content["manifest"], "manifest")
    if problem:
        return "manifest/" + problem
    return payload_problem(content["manifest"]["kind"], content["payload"])


def seal(manifest: dict[str, Any], payload: dict[str, Any], key: Ed25519PrivateKey,
         recipients: list[pyrage.x25519.Recipient] | None = None, passphrase: str | None = None) -> bytes:
    """Sign ``manifest`` + ``payload`` and encrypt the envelope to ``recipients`` (or to a passphrase)."""
    manifest = dict(manifest, content_hashes={"payload": sha256(canonical(payload))})
    signed = canonical({"manifest": manifest, "payload": payload}).decode("utf-8")
    pub = public_bytes(key.public_key())
    envelope = {"format": FORMAT, "signed": signed,
                "signature": {"algorithm": "Ed25519", "public_key": b64(pub), "fingerprint": fingerprint(pub),
                              "value": b64(key.sign(signed.encode("utf-8")))}}
    problem = schema_problem(envelope, "envelope") or schema_problem(json.loads(signed), "content")
    if problem:
        raise AssertionError(f"a package this program built breaks its own schema: {problem}")
    plain = json.dumps(envelope, ensure_ascii=False, indent=1).encode("utf-8")
    if passphrase is not None:
        return bytes(pyrage.passphrase.encrypt(plain, passphrase))
    return bytes(pyrage.encrypt(plain, list(recipients or [])))


def open_package(data: bytes, where: str, *, identities: list[pyrage.x25519.Identity] | None = None,
                 passphrase: str | None = None) -> Opened:
    """Decrypt, parse, check the schema, the signature and the content hash; raise ``PackageRefused``."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageRefused("malformed", f"{where}：文件过大，不是心桥上报包。")
    if not data.startswith(b"age-encryption.org/v1\n") and not data.startswith(b"-----BEGIN AGE ENCRYPTED FILE"):
        raise PackageRefused("malformed", f"{where}：不是心桥上报包（不是 age 加密文件）。请确认拷贝的是导出的 .age 文件。")
    try:
        if passphrase is not None:
            plain = bytes(pyrage.passphrase.decrypt(data, passphrase))
        else:
            plain = bytes(pyrage.decrypt(data, list(identities or [])))
    except pyrage.DecryptError as e:
        if passphrase is not None:   # a wrong passphrase and a damaged file look alike to age
            raise PackageRefused("foreign", f"{where}：口令不对（或文件已损坏），无法解密。"
                                 "请核对转接单上的一次性口令（不区分大小写，连字符照抄）。") from None
        # pyrage reports only a reason string; "No matching keys found" is the one case of a file for someone else
        if "No matching keys" in str(e):
            raise PackageRefused("foreign", f"{where}：这份文件不是加密给本单位的（可能是发给另一个区县中心的，"
                                 "或文件开头已损坏），无法解密。请向发出学校核实接收方公钥。") from None
        raise PackageRefused("tampered", f"{where}：文件已损坏或被改动（解密校验失败），未导入。"
                             "请让学校重新导出一份。") from None
    try:
        envelope = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRefused("malformed", f"{where}：解密后的内容不是心桥上报包的格式。") from None
    problem = schema_problem(envelope, "envelope")
    if problem:
        raise PackageRefused("malformed", f"{where}：包的结构不对（{problem}）。")
    sig = envelope["signature"]
    signed_text: str = envelope["signed"]
    if not verify(sig["public_key"], sig["value"], signed_text.encode("utf-8")):
        raise PackageRefused("signature", f"{where}：签名验证失败：内容在签名之后被改动过，或签名不属于这份内容。未导入。")
    content = json.loads(signed_text)
    version = content.get("manifest", {}).get("schema_version") if isinstance(content, dict) else None
    if version != SCHEMA_VERSION:
        raise PackageRefused("schema", f"{where}：包的格式版本为 {version}，本程序只认识版本 {SCHEMA_VERSION}。"
                             "请双方使用同一版本的心桥。")
    problem = content_problem(content)
    if problem:
        raise PackageRefused("malformed", f"{where}：包的内容不符合格式（{problem}）。")
    manifest, payload = content["manifest"], content["payload"]
    if manifest["content_hashes"]["payload"] != sha256(canonical(payload)):
        raise PackageRefused("tampered", f"{where}：内容的校验值与清单不符，未导入。")
    fp = fingerprint(unb64(sig["public_key"]))
    return Opened(manifest, payload, sig["public_key"], fp, sha256(data))


def safe_name(text: str, limit: int = 40) -> str:
    """A piece of a file name that FAT32, NTFS and every stick accept: no reserved characters, no spaces."""
    cleaned = _UNSAFE.sub("-", text).strip(" .-")
    return cleaned[:limit] or "school"


def write_checked(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` with fsync (file and folder), read it back and compare."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    tmp = folder / (name + ".part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)
    if path.read_bytes() != data:
        raise InputRejected(f"写入 {path} 后读回的内容与写入的不一致（U盘可能有问题）。请换一个U盘或文件夹重新导出。")
    return path
