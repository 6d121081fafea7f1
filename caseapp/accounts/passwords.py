"""Password hashing (argon2id) and the password policy (OWASP ASVS 2.1)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable"; catches common and leaked-list passwords


def hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["CASEAPP_ARGON2_TIME_COST"],
        memory_cost=config["CASEAPP_ARGON2_MEMORY_COST"],
        parallelism=config["CASEAPP_ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Check ``password``; return (ok, new hash if the parameters changed since hashing)."""
    ph = hasher()
    try:
        ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if ph.check_needs_rehash(stored_hash):
        return True, ph.hash(password)
    return True, None


def dummy_verify() -> None:
    """Spend the time of one verification so unknown usernames are not revealed by timing."""
    ph = hasher()
    try:
        ph.verify(_DUMMY.setdefault(ph.memory_cost, ph.hash("not a password")), "x")
    except VerificationError:
        pass


_DUMMY: dict[int, str] = {}


def password_problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Why ``password`` may not be used (translated messages); empty when it is fine."""
    problems = []
    minimum = current_app.config["CASEAPP_PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("The password must be at least %(n)d characters long.", n=minimum))
    elif len(password) > MAX_LENGTH:
        problems.append(_("The password can be at most %(n)d characters long.", n=MAX_LENGTH))
    elif zxcvbn(password, user_inputs=user_inputs or [])["score"] < MIN_SCORE:
        problems.append(_("The password is too common or too easy to guess. "
                          "Use a longer phrase of unrelated words."))
    return problems
