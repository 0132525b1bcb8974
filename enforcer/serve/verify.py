"""Is this delivery from the platform? Both checks run in constant time, before anything else."""

from __future__ import annotations

import hashlib
import hmac


def gitlab_token_ok(given: str | None, secret: bytes) -> bool:
    """GitLab sends the webhook's secret token as is, in ``X-Gitlab-Token``. The ASGI server
    hands headers over decoded as latin-1, so encoding back to latin-1 gives the bytes sent
    (a UTF-8 secret such as "sécret" arrives as its UTF-8 bytes)."""
    if given is None:
        return False
    try:
        sent = given.encode("latin-1")
    except UnicodeEncodeError:  # not a header as received: compare something of equal cost
        sent = given.encode("utf-8", "surrogateescape")
    return hmac.compare_digest(sent, secret)


def github_signature_shape_ok(given: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<64 hex digits>``: checked before the body is read."""
    if not given or not given.startswith("sha256="):
        return False
    digest = given[len("sha256=") :]
    return len(digest) == 64 and all(c in "0123456789abcdefABCDEF" for c in digest)


def github_signature_ok(given: str | None, body: bytes, secret: bytes) -> bool:
    """GitHub signs the body with HMAC-SHA256 of the webhook secret."""
    if not github_signature_shape_ok(given):
        return False
    assert given is not None
    wanted = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.lower().encode(), wanted.encode())


def github_signature(body: bytes, secret: bytes) -> str:
    """The header value GitHub would send (for tests and the load benchmark)."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
