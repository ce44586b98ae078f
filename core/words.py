"""Words for counts, in one place: plural(3, "title") is "3 titles", plural(1, "title") "1 title"."""
from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`count` (with thousands separators) and the noun in the number it needs; `nouns` for an irregular plural."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
