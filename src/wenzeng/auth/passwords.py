"""Password hashing (argon2id), the password policy and API tokens.

Passwords are stored as argon2id hashes (argon2-cffi's ``PasswordHasher``
with its current recommended parameters); a hash made with older
parameters is replaced at the next successful login
(:func:`password_needs_rehash`).  API tokens are random strings shown to
their owner once; only their sha256 is stored, so a leaked table does not
leak usable tokens (a token has 256 bits of entropy: a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from wenzeng.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing is deliberately slow: refuse absurd inputs
TOKEN_PREFIX = "wz_"


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(type=Type.ID)


def check_password_policy(plain: str, username: str | None = None) -> None:
    """Refuse a password that is too short, too long or the same as the username."""
    if len(plain) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符 / "
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(plain) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符 / "
            f"the password must not have more than {MAX_PASSWORD_LENGTH} characters"
        )
    if username is not None and _fold(plain) == _fold(username):
        raise ValidationFailed("密码不能与用户名相同 / the password must not be the username")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def hash_password(plain: str) -> str:
    """An argon2id hash of ``plain`` (the policy is checked by :func:`check_password_policy`)."""
    return _hasher().hash(plain)


def verify_password(hash: str, plain: str) -> bool:
    """Whether ``plain`` matches ``hash``; False for a wrong password or an unusable hash."""
    try:
        return _hasher().verify(hash, plain)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(hash: str) -> bool:
    """Whether ``hash`` was made with other parameters than the current ones."""
    try:
        return _hasher().check_needs_rehash(hash)
    except (InvalidHashError, ValueError):
        return True


@cache
def dummy_hash() -> str:
    """A hash to verify against when there is no user, so both cases take the same time."""
    return hash_password(secrets.token_urlsafe(16))


def new_token() -> tuple[str, str]:
    """A new API token and its sha256 (hex): the token is shown once, the hash is stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return plain, hash_token(plain)


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()
