"""LIKE patterns from user text."""
from __future__ import annotations

import re


def escape_like(value: str) -> str:
    """Make value match literally inside a LIKE pattern written `LIKE :p ESCAPE '!'` (not a backslash,
    whose meaning in a string literal depends on sql_mode)."""
    return re.sub(r"([!%_])", r"!\1", value)
