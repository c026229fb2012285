"""The exchange's secrets in the confidential tier (``conf.exchange_keys``): made here so that setting up a vault
(``app.school.setup``) and the exchange (``app.exchange.keys``) make them the same way."""
from __future__ import annotations

import base64

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from app import clock
from app.store.db import Database

SIGNING = "school_signing"      # the school's Ed25519 private key (raw 32 bytes, base64)
SCHOOL_AGE = "school_age"       # the school's own age identity: read-back checks, transfers addressed to it
CENTRE_AGE = "centre_age"       # the centre's age identity (AGE-SECRET-KEY-1...)


def stored(db: Database, name: str) -> tuple[str, str] | None:
    row = db.one("SELECT secret, public FROM conf.exchange_keys WHERE name = :n", {"n": name})
    return (str(row[0]), str(row[1])) if row else None


def make(db: Database, name: str) -> tuple[str, str]:
    """The (secret, public) pair of ``name``, made and stored on first need (joins the caller's transaction)."""
    found = stored(db, name)
    if found:
        return found
    if name == SIGNING:
        key = Ed25519PrivateKey.generate()
        secret = base64.b64encode(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())).decode()
        public = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    else:
        ident = pyrage.x25519.Identity.generate()
        secret, public = str(ident), str(ident.to_public())
    db.execute("INSERT INTO conf.exchange_keys (name, secret, public, created_at) VALUES (:n, :s, :p, :t)",
               {"n": name, "s": secret, "p": public, "t": clock.now_iso()})
    return secret, public
