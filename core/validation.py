"""Field rules for registration and the profile. Each check returns {field: message} for the fields that
are wrong, so a form can show every problem beside its own field at once; an empty dict means all right.
Uniqueness needs the database and is added by core.auth."""
from __future__ import annotations

import math
import numbers
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{3,50}$")
# The same shape the users.email CHECK accepts (one @, a dot in the domain, no spaces), so the form and
# the database never disagree.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 100
EMAIL_MAX = 254
PASSWORD_MIN = 8
PASSWORD_MAX_BYTES = 72  # bcrypt reads only the first 72 bytes; longer would silently ignore the rest
EARLIEST_DOB = date(1900, 1, 1)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
# Numbers as people type them: digits, one point, an exponent of at most three digits. Checked by shape and
# length BEFORE Decimal sees the text: Decimal accepts inf, NaN and sNaN (which reach SQL as bare words),
# and turning 1e400000 into an integer takes seconds and holds the whole server process.
NUMBER_MAX_CHARS = 40
NUMBER_LIMIT = Decimal("1e30")  # beyond every numeric column in the schema
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)


def number(value) -> Decimal | None:
    """value as a finite Decimal under NUMBER_LIMIT, or None when it is not one (inf, NaN, sNaN, 1e400,
    over NUMBER_MAX_CHARS characters, not a number at all). Accepts numbers and text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        value = str(int(value))
    elif isinstance(value, numbers.Real):
        if not math.isfinite(value):
            return None
        value = repr(float(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return None
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > NUMBER_MAX_CHARS or not _PLAIN_NUMBER.fullmatch(text):
        return None
    result = Decimal(text)
    return result if abs(result) < NUMBER_LIMIT else None


def whole_number(value) -> int | None:
    """value as an int when it is a whole number() (7, "7", 7.0, "7e0"), else None."""
    found = number(value)
    return int(found) if found is not None and found == found.to_integral_value() else None


def text_or_empty(value) -> str:
    """A form value that should be text: anything else (None, a number, a list) counts as nothing typed."""
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def username_error(username: str) -> str | None:
    username = text_or_empty(username)
    if not username:
        return "Choose a username."
    if not USERNAME_RE.match(username):
        return "A username has 3-50 characters: letters, digits, dots (.), underscores (_) or hyphens (-)."
    return None


def visible(value: str) -> bool:
    """Whether value has a character one can see (a zero-width space or a control character alone is not
    a name, though str.strip() keeps it)."""
    return isinstance(value, str) and any(ch.isprintable() and not ch.isspace() for ch in value)


def name_error(value: str, label: str) -> str | None:
    value = text_or_empty(value)
    if not visible(value):
        return f"Enter your {label}."
    if len(value) > NAME_MAX:
        return f"The {label} may be at most {NAME_MAX} characters (this one has {len(value)})."
    return None


def email_error(email: str) -> str | None:
    email = text_or_empty(email)
    if not email:
        return "Enter your email address."
    if len(email) > EMAIL_MAX:
        return f"An email address may be at most {EMAIL_MAX} characters."
    if not EMAIL_RE.match(email):
        return "That is not a valid email address: it should look like name@example.com."
    return None


def dob_error(dob: date | None, today: date) -> str | None:
    if dob is None:
        return "Enter your date of birth."
    if not isinstance(dob, date):
        return "Enter the date of birth as a date."
    if dob > today:
        return "The date of birth cannot be in the future."
    if dob < EARLIEST_DOB:
        return f"The date of birth cannot be before {EARLIEST_DOB:%d %B %Y}."
    return None


_DIGITS_AND_SYMBOLS_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _guessable(password: str) -> set[str]:
    """What a guesser tries first for this password: it without spaces around it and in lower case, and that
    again without the digits and symbols people add at either end ("Password123!" is "password")."""
    plain = password.strip().casefold()
    return {plain, _DIGITS_AND_SYMBOLS_AROUND.sub("", plain)}


def password_errors(password: str, confirm: str, username: str = "") -> dict[str, str]:
    """Rules for a new password; the message for the repeat goes under the second field. A value that is not
    text counts as nothing typed."""
    password, confirm, username = (text_or_empty(v) for v in (password, confirm, username))
    errors: dict[str, str] = {}
    if len(password) < PASSWORD_MIN:
        errors["password"] = f"Use at least {PASSWORD_MIN} characters."
    elif not visible(password):
        errors["password"] = "A password of only spaces is easy to guess; use letters, digits or symbols too."
    elif len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        errors["password"] = f"Use at most {PASSWORD_MAX_BYTES} bytes (about {PASSWORD_MAX_BYTES} letters)."
    elif _guessable(password) & common_passwords():  # "  password  ", "PASSWORD123", "Password!" alike
        errors["password"] = "That is one of the most common passwords; choose one that is harder to guess."
    elif username and username.casefold() in _guessable(password):  # "meera", " Meera ", "meera2024!"
        errors["password"] = "The password may not be your username (with or without digits around it)."
    if password != confirm:
        errors["password_confirm"] = "The two passwords differ; type the same password twice."
    return errors


def clean(fields: dict) -> dict:
    """Trim the text fields (a stray space is not part of a name); passwords stay exactly as typed. A value
    that is not text where text belongs counts as empty, so it gets the field's own message (and fields that
    are not a dict at all count as a form left empty)."""
    if not isinstance(fields, dict):
        fields = {}
    return {key: value if key == "dob" else text_or_empty(value) if key.startswith("password")
            else text_or_empty(value).strip() for key, value in fields.items()}


def profile_errors(fields: dict, today: date) -> dict[str, str]:
    """Rules for the fields a user edits on the profile: firstname, lastname, email, dob."""
    fields = fields if isinstance(fields, dict) else {}
    checks = {
        "firstname": name_error(fields.get("firstname") or "", "first name"),
        "lastname": name_error(fields.get("lastname") or "", "last name"),
        "email": email_error(fields.get("email") or ""),
        "dob": dob_error(fields.get("dob"), today),
    }
    return {field: message for field, message in checks.items() if message}


def registration_errors(fields: dict, today: date) -> dict[str, str]:
    """All registration rules but uniqueness. `fields` as clean() returns them."""
    fields = fields if isinstance(fields, dict) else {}
    errors = {}
    if message := username_error(fields.get("username") or ""):
        errors["username"] = message
    errors.update(profile_errors(fields, today))
    errors.update(password_errors(fields.get("password") or "", fields.get("password_confirm") or "",
                                  fields.get("username") or ""))
    return errors
