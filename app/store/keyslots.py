"""Key slots: each account's password (and the recovery code) wraps the one database key.

Argon2id(password, salt) -> 32-byte key-encryption key -> AES-256-GCM over the database key. The slot's
own identity is the AEAD's associated data, so a slot cannot be swapped onto another account. Changing a
password rewrites one slot; the database is never re-encrypted.

The file also keeps the vault's Argon2id cost (``kdf``: calibrated when the vault was made, app/store/kdf.py;
every new slot gets it, never less than ``app.config.kdf_cost()``) and the names of disabled accounts
(``disabled``): a disabled account has no slot at all, so its old password yields no key.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.config import KdfCost, kdf_cost
from app.errors import InputRejected, IntegrityFailure, WrongPassword, XinqiaoError
from app.store.fileio import atomic_write_text

KEYSLOTS_FILE = "keyslots.json"
RECOVERY_SLOT = "__recovery__"
FORMAT_VERSION = 1
# Recovery codes avoid look-alike characters (0/O, 1/I/L).
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def derive_kek(secret: str, salt: bytes, cost: KdfCost) -> bytes:
    normalized = unicodedata.normalize("NFC", secret).encode("utf-8")
    kdf = Argon2id(salt=salt, length=32, iterations=cost.iterations, lanes=cost.lanes,
                   memory_cost=cost.memory_kib)
    return kdf.derive(normalized)


def _cost_json(cost: KdfCost) -> dict[str, object]:
    return {"alg": "argon2id", "iterations": cost.iterations, "memory_kib": cost.memory_kib, "lanes": cost.lanes}


def _cost_from_json(k: dict) -> KdfCost:
    return KdfCost(int(k["iterations"]), int(k["memory_kib"]), int(k["lanes"]))


def at_least(cost: KdfCost | None, floor: KdfCost) -> KdfCost:
    """``cost`` if it is no weaker than ``floor`` in memory and passes, else ``floor`` (a ``kdf`` entry edited
    down in the file does not weaken new slots)."""
    if cost is None or cost.memory_kib < floor.memory_kib or cost.iterations < floor.iterations or cost.lanes < 1:
        return floor
    return cost


@dataclass
class Slot:
    name: str
    salt: bytes
    nonce: bytes
    wrapped: bytes
    cost: KdfCost

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "salt": _b64(self.salt), "nonce": _b64(self.nonce),
                "wrapped": _b64(self.wrapped), "kdf": _cost_json(self.cost)}

    @classmethod
    def from_json(cls, obj: dict) -> Slot:
        slot = cls(name=str(obj["name"]), salt=_unb64(obj["salt"]), nonce=_unb64(obj["nonce"]),
                   wrapped=_unb64(obj["wrapped"]), cost=_cost_from_json(obj["kdf"]))
        c = slot.cost
        if (len(slot.salt) < 8 or len(slot.nonce) != 12 or len(slot.wrapped) != 32 + 16 or c.iterations < 1
                or c.lanes < 1 or c.memory_kib < 8 * c.lanes):
            raise ValueError(f"malformed key slot {slot.name!r}")
        return slot


def make_slot(name: str, secret: str, db_key: bytes, cost: KdfCost | None = None) -> Slot:
    cost = cost or kdf_cost()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kek = derive_kek(secret, salt, cost)
    wrapped = AESGCM(kek).encrypt(nonce, db_key, name.encode("utf-8"))
    return Slot(name=name, salt=salt, nonce=nonce, wrapped=wrapped, cost=cost)


def unwrap(slot: Slot, secret: str) -> bytes:
    kek = derive_kek(secret, slot.salt, slot.cost)
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, slot.name.encode("utf-8"))
    except InvalidTag:
        raise WrongPassword("用户名或密码不正确。") from None


class KeySlots:
    """The key-slot file of one vault folder."""

    def __init__(self, path: Path, slots: dict[str, Slot], cost: KdfCost | None = None,
                 disabled: set[str] | None = None) -> None:
        self.path = path
        self.slots = slots
        self.cost = cost                 # the vault's calibrated cost; None in files from before calibration
        self.disabled = disabled or set()

    @classmethod
    def load(cls, path: Path) -> KeySlots:
        if not path.exists():
            raise XinqiaoError(f"找不到密钥文件 {path}。该文件夹不是心桥数据文件夹，或文件已丢失。")
        try:
            obj = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise IntegrityFailure(f"密钥文件 {path} 无法读取或已损坏（{type(e).__name__}）。请用备份旁的"
                                   " .keyslots.json 副本替换它，或从备份恢复。") from None
        if not isinstance(obj, dict) or obj.get("version") != FORMAT_VERSION:
            version = obj.get("version") if isinstance(obj, dict) else None
            raise XinqiaoError(f"密钥文件 {path} 的版本（{version}）不受支持。")
        try:
            slots = {s["name"]: Slot.from_json(s) for s in obj["slots"]}
            cost = _cost_from_json(obj["kdf"]) if "kdf" in obj else None
            disabled = {str(n) for n in obj.get("disabled", [])}
        except (KeyError, TypeError, ValueError, binascii.Error) as e:
            raise IntegrityFailure(f"密钥文件 {path} 已损坏（{type(e).__name__}）。请用备份旁的 .keyslots.json"
                                   " 副本替换它，或从备份恢复。") from None
        return cls(path, slots, cost, disabled)

    def save(self) -> None:
        atomic_write_text(self.path, self.to_text())

    def to_text(self) -> str:
        obj: dict[str, object] = {"version": FORMAT_VERSION}
        if self.cost is not None:
            obj["kdf"] = _cost_json(self.cost)
        if self.disabled:
            obj["disabled"] = sorted(self.disabled)
        obj["slots"] = [s.to_json() for s in self.slots.values()]
        return json.dumps(obj, indent=1)

    @property
    def new_slot_cost(self) -> KdfCost:
        return at_least(self.cost, kdf_cost())

    def unlock(self, account: str, password: str) -> bytes:
        slot = self.slots.get(account)
        if slot is None:
            # Same work as a real attempt, so timing does not reveal which accounts exist.
            derive_kek(password, os.urandom(16), self.new_slot_cost)
            if account in self.disabled:
                raise WrongPassword("该账号已停用，请联系管理员。")
            raise WrongPassword("用户名或密码不正确。")
        return unwrap(slot, password)

    def unlock_recovery(self, code: str) -> bytes:
        slot = self.slots.get(RECOVERY_SLOT)
        if slot is None:
            raise WrongPassword("此数据文件夹没有恢复码。")
        try:
            return unwrap(slot, normalize_recovery_code(code))
        except WrongPassword:
            raise WrongPassword("恢复码不正确。") from None

    def set_secret(self, name: str, secret: str, db_key: bytes) -> None:
        self.slots[name] = make_slot(name, secret, db_key, self.new_slot_cost)
        self.disabled.discard(name)

    def set_account_secret(self, name: str, secret: str, db_key: bytes) -> None:
        """An account's slot; the recovery slot's name is not an account's (``user add __recovery__``)."""
        if name == RECOVERY_SLOT:
            raise InputRejected(f"“{RECOVERY_SLOT}”是恢复码的密钥槽，不能用作账号。")
        self.set_secret(name, secret, db_key)

    def remove(self, name: str, *, disabled: bool = False) -> None:
        """Drop a slot (its password no longer yields the key); ``disabled`` remembers why, for the message."""
        self.slots.pop(name, None)
        if disabled:
            self.disabled.add(name)
        else:
            self.disabled.discard(name)


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(24))
    return "-".join(raw[i:i + 4] for i in range(0, 24, 4))


def normalize_recovery_code(code: str) -> str:
    code = unicodedata.normalize("NFKC", code).upper()
    return "".join(ch for ch in code if ch.isalnum())
