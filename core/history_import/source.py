"""From uploaded bytes to text files: size limits, safe ZIP reading, encodings, CSV rows, dates.

Everything here refuses with one line (`Refused`) rather than guessing: a file that is too big, not text,
a ZIP that would expand past MAX_EXPANDED_BYTES or holds a path that climbs out (`../`), an encrypted ZIP.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePosixPath

from core.history_import.records import Refused

DEFAULT_MAX_UPLOAD_MB = 10          # the same as .streamlit/config.toml's server.maxUploadSize
# Settings are read through this mapping (tests give it one of their own instead of changing the environment).
ENVIRON = os.environ
MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # a real Letterboxd export of 20 years is a few MB
MAX_MEMBERS = 5000
_SKIPPED_PARTS = {"__MACOSX"}       # macOS's resource forks inside ZIPs made in Finder


def max_upload_bytes() -> int:
    """The configured upload limit (STREAMSYNC_IMPORT_MAX_MB, default 10 MB like Streamlit's own)."""
    try:
        megabytes = float(ENVIRON.get("STREAMSYNC_IMPORT_MAX_MB", DEFAULT_MAX_UPLOAD_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_UPLOAD_MB
    return int(megabytes * 1024 * 1024)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


@dataclass(frozen=True, slots=True)
class TextFile:
    """One text file of an upload: its path (inside the ZIP, or the upload's name) and decoded text."""
    path: str
    text: str
    encoding: str

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _looks_binary(data: bytes) -> bool:
    # Text in any of the encodings we read never holds NUL bytes (UTF-16 is decoded before this is asked).
    return b"\x00" in data[:8192]


_MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
          b"GIF8": "a GIF image", b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive",
          b"7z\xbc\xaf": "a 7-Zip archive", b"\xd0\xcf\x11\xe0": "an old Excel or Word file"}


def decode(name: str, data: bytes) -> TextFile:
    """The file's text. UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), else
    Windows-1252 (what Excel on Windows saves as "CSV"). Line endings are left to the CSV reader, which
    takes LF, CRLF and CR alike."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise Refused(f"{name} is {what}, not a CSV, JSON or ZIP export: upload the file the service's "
                          "export gave you.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return TextFile(name, data.decode("utf-16"), "UTF-16")
    if _looks_binary(data):
        raise Refused(f"{name} is not a text file (CSV or JSON) or a ZIP: upload the file the service's "
                      "export gave you.")
    if data.startswith(b"\xef\xbb\xbf"):
        return TextFile(name, data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM")
    try:
        return TextFile(name, data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so the fallback never fails.
        try:
            return TextFile(name, data.decode("cp1252"), "Windows-1252")
        except UnicodeDecodeError:
            return TextFile(name, data.decode("latin-1"), "ISO-8859-1")


def _safe_member_path(raw: str) -> str | None:
    """The member's path if it is a plain relative path; None for one to skip (a folder, macOS's extras);
    Refused for one that would climb out of the folder it is unpacked into."""
    path = raw.replace("\\", "/")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or ".." in parts:
        raise Refused(f"The ZIP holds a file with an unsafe path ({raw!r}): StreamSync reads no ZIP that could "
                      "write outside its folder. Upload the export as the service gave it.")
    if not parts or raw.endswith("/") or _SKIPPED_PARTS & set(parts) or parts[-1].startswith("._") \
            or parts[-1] == ".DS_Store":
        return None
    return "/".join(parts)


def unpack(name: str, data: bytes, limit: int | None = None) -> list[TextFile]:
    """The upload's text files: the file itself, or every file of a ZIP (checked before anything is read)."""
    limit = max_upload_bytes() if limit is None else limit
    if len(data) > limit:
        raise Refused(f"{name} is {_megabytes(len(data))}; uploads may be at most {_megabytes(limit)} "
                      f"(STREAMSYNC_IMPORT_MAX_MB). Upload the export's CSV files one at a time.")
    if not data.strip():
        raise Refused(f"{name} is empty.")
    if not is_zip(data):
        return [decode(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise Refused(f"{name} is not a readable ZIP ({exc}).") from exc
    if len(members) > MAX_MEMBERS:
        raise Refused(f"The ZIP holds {len(members):,} files; an export holds far fewer (at most {MAX_MEMBERS:,}).")
    if sum(m.file_size for m in members) > MAX_EXPANDED_BYTES:
        raise Refused(f"The ZIP would expand to more than {_megabytes(MAX_EXPANDED_BYTES)}; no export is that big, "
                      "so it is not read.")
    files, expanded = [], 0
    for member in members:
        path = _safe_member_path(member.filename)
        if path is None or member.is_dir():
            continue
        if member.flag_bits & 0x1:
            raise Refused("The ZIP is encrypted; export again without a password.")
        if path.lower().endswith(".zip"):
            raise Refused(f"The ZIP holds another ZIP ({path}); upload that one on its own.")
        with archive.open(member) as handle:
            # The sizes in the ZIP's directory can lie: count what really comes out.
            content = handle.read(MAX_EXPANDED_BYTES - expanded + 1)
        expanded += len(content)
        if expanded > MAX_EXPANDED_BYTES:
            raise Refused(f"The ZIP expands to more than {_megabytes(MAX_EXPANDED_BYTES)}; no export is that big, "
                          "so it is not read.")
        if content.strip():
            files.append(decode(path, content))
    if not files:
        raise Refused(f"{name} holds no files.")
    return files


_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(value) -> str:
    """Text the database can store: JSON may spell lone UTF-16 surrogates ("\\ud800"), which no UTF-8 column
    takes; they become U+FFFD, the replacement character."""
    return _SURROGATE.sub("\ufffd", str(value))


def csv_rows(file: TextFile) -> list[list[str]]:
    """Every row of a CSV file as lists of cells (quoted multi-line cells stay one cell)."""
    try:
        return list(csv.reader(io.StringIO(file.text, newline="")))
    except csv.Error as exc:
        raise Refused(f"{file.path} is not a readable CSV ({exc}).") from exc


def header_key(cell: str) -> str:
    """A column name as compared: case, spaces, dots and a stray BOM do not count ("Num. Votes" = "num votes")."""
    return re.sub(r"[^a-z0-9]+", " ", cell.replace("\ufeff", "").lower()).strip()


_DEFUSED = re.compile(r"^'(?=[=+\-@\t\r])")


def cell(value: str) -> str:
    """A cell's text, without the apostrophe a spreadsheet-safe export (StreamSync's own among them) put in
    front of a leading = + - @ so spreadsheets would not run it as a formula."""
    return _DEFUSED.sub("", value.strip())


def dict_rows(file: TextFile, rows: list[list[str]] | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """(header keys, one dict per non-blank data row keyed by header_key). Extra cells are dropped."""
    rows = csv_rows(file) if rows is None else rows
    if not rows:
        return [], []
    keys = [header_key(c) for c in rows[0]]
    out = []
    for cells in rows[1:]:
        if not any(c.strip() for c in cells):
            out.append({})  # kept so that row numbers stay those of the file
            continue
        out.append({k: (cell(cells[i]) if i < len(cells) else "") for i, k in enumerate(keys) if k})
    return keys, out


def require_columns(file: TextFile, keys: list[str], needed: dict[str, str]) -> None:
    """Refuse a file missing a column it needs; `needed` maps header_key to the name as the service writes it."""
    missing = [shown for key, shown in needed.items() if key not in keys]
    if missing:
        raise Refused(f"{file.path} has no column {', '.join(repr(m) for m in missing)} (renamed or missing?); "
                      "upload the file as the service exported it.")


def parse_when(text: str, month_first: bool = False) -> date | datetime | None:
    """A date or a UTC timestamp from the forms exports use; None for an empty cell. ValueError with a
    readable message for a date that does not exist (31/02) or a form it does not know."""
    text = text.strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", text):
            stamp = datetime.fromisoformat(text)
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(UTC).replace(tzinfo=None)
            return stamp.replace(microsecond=0)
        slash = re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})", text)
        if slash:
            first, sep, second = int(slash.group(1)), slash.group(2), int(slash.group(3))
            # The order is told by a part over 12; otherwise the column's convention decides.
            day_month = "%m{0}%d" if second > 12 or (month_first and first <= 12) else "%d{0}%m"
            return datetime.strptime(text, day_month.format(sep) + f"{sep}%Y").date()
        # IMDb's oldest exports: "Sun Nov 27 00:00:00 2016"
        return datetime.strptime(text, "%a %b %d %H:%M:%S %Y")
    except ValueError:
        raise ValueError(f"the date {text!r} is not a real date (or not in a form StreamSync reads, "
                         "such as 2024-02-29)") from None


def parse_int(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def parse_year(text: str) -> int | None:
    year = parse_int(text)
    if year is not None and not 1870 <= year <= 2100:
        raise ValueError(f"the year {year} is not a film's year")
    return year


IMDB_ID = re.compile(r"tt\d{5,10}")


def imdb_id(text: str | None) -> str | None:
    """An IMDb title id from a cell or URL ("tt0133093", "https://www.imdb.com/title/tt0133093/")."""
    if not text:
        return None
    found = IMDB_ID.search(str(text))
    return found.group(0) if found else None
