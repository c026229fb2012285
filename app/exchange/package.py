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
    problem = schema_problem(content, "content")
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
