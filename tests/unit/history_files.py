"""Helpers for the import tests: the fixture files, and ZIPs made of them."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "history"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def zipped(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def folder_zip(folder: str, prefix: str = "") -> bytes:
    """The fixture folder as its service's ZIP (Letterboxd puts the CSVs at the top, lists/ beside them)."""
    root = FIXTURES / folder
    return zipped({prefix + p.relative_to(root).as_posix(): p.read_bytes()
                   for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".csv", ".json")})
