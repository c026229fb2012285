"""Key slots: each account's password (and the recovery code) unlocks the tier keys it is entitled to.

Format 2 (a recipients model, as age does it): each account has an X25519 identity (pyrage). Argon2id(password,
salt) -> 32-byte key-encryption key -> AES-256-GCM over the identity's secret; the slot's name is the AEAD's
associated data, so a slot cannot be swapped onto another account. The tier keys are age-encrypted to the
recipients entitled to them (``grants``): the ordinary key (vault.db) to every account and the recovery code;
the confidential key (confidential.db) only to counselors and the recovery code. Granting a key to an account
needs only its public recipient, never its password; removing a slot removes its grants.

Format 1 slots (``kind: "key"``: the password wrapped the one database key directly) still open: they yield
the ordinary key only and are replaced by an identity slot at that account's next sign-in (app/session.py).

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

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from pyrage import x25519

from app.config import KdfCost, kdf_cost
from app.errors import InputRejected, IntegrityFailure, WrongPassword, XinqiaoError
from app.store.fileio import atomic_write_text

KEYSLOTS_FILE = "keyslots.json"
RECOVERY_SLOT = "__recovery__"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
ORDINARY = "ordinary"
CONFIDENTIAL = "confidential"
TIERS = (ORDINARY, CONFIDENTIAL)
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
    kind: str = "key"        # "key": format 1, wraps the database key; "identity": wraps an X25519 identity
    recipient: str = ""      # the identity's public half (age1...), for granting tier keys to this slot

    @property
    def legacy(self) -> bool:
        return self.kind == "key"

    def to_json(self) -> dict[str, object]:
        obj: dict[str, object] = {"name": self.name, "salt": _b64(self.salt), "nonce": _b64(self.nonce),
                                  "wrapped": _b64(self.wrapped), "kdf": _cost_json(self.cost)}
        if not self.legacy:
            obj["kind"] = self.kind
            obj["recipient"] = self.recipient
        return obj

    @classmethod
    def from_json(cls, obj: dict) -> Slot:
        slot = cls(name=str(obj["name"]), salt=_unb64(obj["salt"]), nonce=_unb64(obj["nonce"]),
                   wrapped=_unb64(obj["wrapped"]), cost=_cost_from_json(obj["kdf"]),
                   kind=str(obj.get("kind", "key")), recipient=str(obj.get("recipient", "")))
        c = slot.cost
        sizes_ok = (len(slot.wrapped) == 32 + 16 if slot.legacy
                    else slot.kind == "identity" and len(slot.wrapped) > 16 and slot.recipient.startswith("age1"))
        if (len(slot.salt) < 8 or len(slot.nonce) != 12 or not sizes_ok or c.iterations < 1
                or c.lanes < 1 or c.memory_kib < 8 * c.lanes):
            raise ValueError(f"malformed key slot {slot.name!r}")
        if not slot.legacy:
            x25519.Recipient.from_str(slot.recipient)   # ValueError-like on a malformed recipient
        return slot


@dataclass
class TierKeys:
    """What one slot unlocks: the ordinary key always, the confidential key only when it was granted to it."""
    ordinary: bytes
    confidential: bytes | None = None
    identity: str | None = None     # the slot's X25519 secret (None for a format-1 slot)
    legacy: bool = False            # a format-1 slot: to be replaced by an identity slot at sign-in

    @property
    def holds_confidential(self) -> bool:
        return self.confidential is not None


def make_slot(name: str, secret: str, db_key: bytes, cost: KdfCost | None = None) -> Slot:
    """A format-1 slot (the password wraps ``db_key`` directly), as an older program wrote it."""
    cost = cost or kdf_cost()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kek = derive_kek(secret, salt, cost)
    wrapped = AESGCM(kek).encrypt(nonce, db_key, name.encode("utf-8"))
    return Slot(name=name, salt=salt, nonce=nonce, wrapped=wrapped, cost=cost)


def make_identity_slot(name: str, secret: str, identity: str, cost: KdfCost) -> Slot:
    """A format-2 slot: the password wraps the X25519 identity ``identity`` (``AGE-SECRET-KEY-1...``)."""
    ident = x25519.Identity.from_str(identity)
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kek = derive_kek(secret, salt, cost)
    wrapped = AESGCM(kek).encrypt(nonce, identity.encode("ascii"), name.encode("utf-8"))
    return Slot(name=name, salt=salt, nonce=nonce, wrapped=wrapped, cost=cost, kind="identity",
                recipient=str(ident.to_public()))


def new_identity() -> str:
    return str(x25519.Identity.generate())


def unwrap(slot: Slot, secret: str) -> bytes:
    kek = derive_kek(secret, slot.salt, slot.cost)
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, slot.name.encode("utf-8"))
    except InvalidTag:
        raise WrongPassword("用户名或密码不正确。") from None


class KeySlots:
    """The key-slot file of one vault folder."""

    def __init__(self, path: Path, slots: dict[str, Slot], cost: KdfCost | None = None,
                 disabled: set[str] | None = None, grants: dict[str, dict[str, bytes]] | None = None) -> None:
        self.path = path
        self.slots = slots
        self.cost = cost                 # the vault's calibrated cost; None in files from before calibration
        self.disabled = disabled or set()
        # tier -> slot name -> the tier key age-encrypted to that slot's recipient
        self.grants: dict[str, dict[str, bytes]] = {t: dict((grants or {}).get(t, {})) for t in TIERS}

    @classmethod
    def load(cls, path: Path) -> KeySlots:
        if not path.exists():
            raise XinqiaoError(f"找不到密钥文件 {path}。该文件夹不是心桥数据文件夹，或文件已丢失。")
        try:
            obj = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise IntegrityFailure(f"密钥文件 {path} 无法读取或已损坏（{type(e).__name__}）。请用备份旁的"
                                   " .keyslots.json 副本替换它，或从备份恢复。") from None
        if not isinstance(obj, dict) or obj.get("version") not in READABLE_VERSIONS:
            version = obj.get("version") if isinstance(obj, dict) else None
            raise XinqiaoError(f"密钥文件 {path} 的版本（{version}）不受支持。")
        try:
            slots = {s["name"]: Slot.from_json(s) for s in obj["slots"]}
            cost = _cost_from_json(obj["kdf"]) if "kdf" in obj else None
            disabled = {str(n) for n in obj.get("disabled", [])}
            grants = {str(t): {str(n): _unb64(c) for n, c in dict(g).items()}
                      for t, g in dict(obj.get("grants", {})).items() if t in TIERS}
        except (KeyError, TypeError, ValueError, binascii.Error, pyrage.RecipientError) as e:
            raise IntegrityFailure(f"密钥文件 {path} 已损坏（{type(e).__name__}）。请用备份旁的 .keyslots.json"
                                   " 副本替换它，或从备份恢复。") from None
        return cls(path, slots, cost, disabled, grants)

    def save(self) -> None:
        atomic_write_text(self.path, self.to_text())

    def to_text(self) -> str:
        obj: dict[str, object] = {"version": FORMAT_VERSION}
        if self.cost is not None:
            obj["kdf"] = _cost_json(self.cost)
        if self.disabled:
            obj["disabled"] = sorted(self.disabled)
        obj["slots"] = [s.to_json() for s in self.slots.values()]
        obj["grants"] = {t: {n: _b64(c) for n, c in sorted(g.items())} for t, g in self.grants.items()}
        return json.dumps(obj, indent=1)

    @property
    def new_slot_cost(self) -> KdfCost:
        return at_least(self.cost, kdf_cost())

    def unlock_keys(self, account: str, password: str) -> TierKeys:
        """Every tier key ``account``'s slot holds (``WrongPassword`` for a wrong password or no slot)."""
        slot = self.slots.get(account)
        if slot is None:
            # Same work as a real attempt, so timing does not reveal which accounts exist.
            derive_kek(password, os.urandom(16), self.new_slot_cost)
            if account in self.disabled:
                raise WrongPassword("该账号已停用，请联系管理员。")
            raise WrongPassword("用户名或密码不正确。")
        return self._open(slot, password)

    def unlock(self, account: str, password: str) -> bytes:
        """The ordinary key (vault.db) ``account``'s slot holds."""
        return self.unlock_keys(account, password).ordinary

    def unlock_recovery_keys(self, code: str) -> TierKeys:
        slot = self.slots.get(RECOVERY_SLOT)
        if slot is None:
            raise WrongPassword("此数据文件夹没有恢复码。")
        try:
            return self._open(slot, normalize_recovery_code(code))
        except WrongPassword:
            raise WrongPassword("恢复码不正确。") from None

    def unlock_recovery(self, code: str) -> bytes:
        return self.unlock_recovery_keys(code).ordinary

    def _open(self, slot: Slot, secret: str) -> TierKeys:
        if slot.legacy:
            return TierKeys(unwrap(slot, secret), legacy=True)
        identity = unwrap(slot, secret).decode("ascii")
        keys = {t: self._decrypt_grant(t, slot.name, identity) for t in TIERS}
        ordinary = keys[ORDINARY]
        if ordinary is None:
            raise IntegrityFailure(f"密钥文件 {self.path} 中没有账号“{slot.name}”的数据库密钥。请用备份旁的"
                                   " .keyslots.json 副本替换它，或请管理员重新设置该账号的密码。")
        return TierKeys(ordinary, keys[CONFIDENTIAL], identity)

    def _decrypt_grant(self, tier: str, name: str, identity: str) -> bytes | None:
        sealed = self.grants[tier].get(name)
        if sealed is None:
            return None
        try:
            key = pyrage.decrypt(sealed, [x25519.Identity.from_str(identity)])
        except pyrage.DecryptError:
            raise IntegrityFailure(f"密钥文件 {self.path} 中账号“{name}”的{tier}密钥授予已损坏或被替换。"
                                   "请用备份旁的 .keyslots.json 副本替换它，或使用恢复码。") from None
        if len(key) != 32:
            raise IntegrityFailure(f"密钥文件 {self.path} 中账号“{name}”的密钥授予格式不对。")
        return key

    def holders(self, tier: str) -> set[str]:
        return set(self.grants[tier])

    def set_secret(self, name: str, secret: str, db_key: bytes) -> None:
        """A format-1 slot, as an older program wrote it (kept for migration tests and benchmarks)."""
        self.slots[name] = make_slot(name, secret, db_key, self.new_slot_cost)
        for g in self.grants.values():
            g.pop(name, None)
        self.disabled.discard(name)

    def enroll(self, name: str, secret: str, ordinary: bytes, confidential: bytes | None = None,
               identity: str | None = None) -> str:
        """Give ``name`` an identity slot under ``secret`` (a new identity unless ``identity`` is given: a
        password change keeps it) and grant it the ordinary key and, when given, the confidential key. Any grant
        the slot had and that is not given again is dropped. Returns the identity."""
        identity = identity or new_identity()
        self.slots[name] = make_identity_slot(name, secret, identity, self.new_slot_cost)
        self.disabled.discard(name)
        for g in self.grants.values():
            g.pop(name, None)
        self.grant(ORDINARY, name, ordinary)
        if confidential is not None:
            self.grant(CONFIDENTIAL, name, confidential)
        return identity

    def grant(self, tier: str, name: str, key: bytes) -> None:
        """Encrypt ``key`` to ``name``'s recipient: needs no one's password."""
        slot = self.slots.get(name)
        if slot is None or slot.legacy:
            raise XinqiaoError(f"账号“{name}”还没有新格式的密钥槽（需要先用它的密码登录一次），暂不能授予密钥。")
        self.grants[tier][name] = pyrage.encrypt(key, [x25519.Recipient.from_str(slot.recipient)])

    def set_account_secret(self, name: str, secret: str, db_key: bytes, confidential: bytes | None = None,
                           identity: str | None = None) -> None:
        """An account's slot; the recovery slot's name is not an account's (``user add __recovery__``)."""
        if name == RECOVERY_SLOT:
            raise InputRejected(f"“{RECOVERY_SLOT}”是恢复码的密钥槽，不能用作账号。")
        self.enroll(name, secret, db_key, confidential, identity)

    def remove(self, name: str, *, disabled: bool = False) -> None:
        """Drop a slot and its grants (its password no longer yields any key); ``disabled`` remembers why."""
        self.slots.pop(name, None)
        for g in self.grants.values():
            g.pop(name, None)
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
