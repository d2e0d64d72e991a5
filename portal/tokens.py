"""The link's token: 256 random bits (``secrets.token_urlsafe(32)``), signed with the site's key, stored hashed.

A token that is not ours (tampered, truncated, made up) fails the signature and costs no database query; one
that is ours is looked up by the SHA-256 of its random part, so the database never holds a usable link."""

import hashlib
import secrets

from django.core import signing

SALT = "portal.link"
_signer = signing.Signer(salt=SALT, sep=".")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """(the token for the link, the hash to store)."""
    raw = secrets.token_urlsafe(32)
    return _signer.sign(raw), token_hash(raw)


def token_for(raw: str) -> str:
    """The signed token of a given random part (the demo company's fixed link)."""
    return _signer.sign(raw)


def token_verify(token: str) -> str | None:
    """The hash to look up, or None if the token was not signed by us."""
    if not token or len(token) > 200:
        return None
    try:
        return token_hash(_signer.unsign(token))
    except signing.BadSignature:
        return None


def device_hash(cookie: str) -> str:
    return hashlib.sha256(f"device:{cookie}".encode()).hexdigest()
