"""Keys of the exchange: the school's Ed25519 signing key, the centre's age X25519 identity, and their fingerprints.

Both secrets live in the confidential tier (``conf.exchange_keys``): only a counselor's session holds that tier's
key, so a head teacher or a 管理员 can neither sign a package in the school's name nor open the centre's mail."""
from __future__ import annotations

import base64
import hashlib

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.errors import InputRejected
from app.store import exchange_keys
from app.store.db import Database

SIGNING, SCHOOL_AGE, CENTRE_AGE = exchange_keys.SIGNING, exchange_keys.SCHOOL_AGE, exchange_keys.CENTRE_AGE


def fingerprint(data: bytes | str) -> str:
    """A short fingerprint to read over the phone: 16 hex digits of SHA-256 in four groups."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    h = hashlib.sha256(raw).hexdigest()[:16].upper()
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def signing_key(db: Database) -> Ed25519PrivateKey:
    """The school's signing key, made on first need (inside the caller's transaction)."""
    return Ed25519PrivateKey.from_private_bytes(unb64(exchange_keys.make(db, SIGNING)[0]))


def stored_signing_public(db: Database) -> str | None:
    """The school's public signing key (base64), or None before it is made; reads the confidential tier."""
    found = exchange_keys.stored(db, SIGNING)
    return found[1] if found else None


def age_identity(db: Database, name: str) -> pyrage.x25519.Identity:
    """An age identity of this vault (``SCHOOL_AGE`` or ``CENTRE_AGE``), made on first need."""
    return pyrage.x25519.Identity.from_str(exchange_keys.make(db, name)[0])


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def verify(public_b64: str, signature_b64: str, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_b64)).verify(unb64(signature_b64), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def centre_identity(db: Database) -> pyrage.x25519.Identity:
    return age_identity(db, CENTRE_AGE)


def parse_recipient(text: str, where: str) -> str:
    """The age recipient (``age1...``) in a centre key file; comment lines start with #."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    keys = [ln for ln in lines if ln.startswith("age1")]
    if len(keys) != 1:
        raise InputRejected(f"{where} 不是区县中心的公钥文件（应有一行以 age1 开头的公钥）。"
                            "请使用中心用“centre-key --out”导出的文件。")
    try:
        pyrage.x25519.Recipient.from_str(keys[0])
    except pyrage.RecipientError:
        raise InputRejected(f"{where} 中的公钥格式不对（可能被改动或抄错）。请向区县中心重新索取公钥文件。") from None
    return keys[0]
