"""Reading the source files as streams: gzip or plain, tab- or comma-separated, one clear ImportFailed for
a missing file, a missing column, a file cut short or a file that is not UTF-8."""
from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path


class ImportFailed(Exception):
    """The import cannot go on; the message is one line naming the file and what to do."""


class Table:
    """Rows of one file with a header: iterate for (line number, fields); `index` maps column -> position.
    `done` is the bytes read so far of the file as stored (compressed for .gz), for progress."""

    def __init__(self, path: Path, required: tuple[str, ...], dialect: str = "tsv"):
        self.path, self.name, self.dialect = path, path.name, dialect
        if not path.is_file():
            raise ImportFailed(f"{path}: no such file.")
        self.size = path.stat().st_size
        self._raw = path.open("rb")
        try:
            binary = gzip.GzipFile(fileobj=self._raw) if path.name.endswith(".gz") else self._raw
            self._text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            self.line = 1
            header = self._read_header()
        except Exception:
            self._raw.close()
            raise
        missing = [c for c in required if c not in header]
        if missing:
            self.close()
            raise ImportFailed(f"{self.name}: the header has no column {', '.join(missing)} (it has "
                               f"{', '.join(header) or 'nothing'}): is this the right file?")
        self.index = {c: i for i, c in enumerate(header)}
        self.width = len(header)
        self._rows: Iterator[tuple[int, list[str]]] | None = None

    def _guard(self, fn):
        try:
            return fn()
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise ImportFailed(f"{self.name} is cut short or damaged after line {self.line:,} ({exc}): download "
                               f"it again; the batches before it are saved and a re-run picks up where it "
                               f"stopped.") from exc
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{self.name} is not UTF-8 text near line {self.line + 1:,}: IMDb, MovieLens and "
                               f"TIMDB files are UTF-8; convert it or download it again.") from exc

    def _read_header(self) -> list[str]:
        first = self._guard(self._text.readline)
        if not first:
            raise ImportFailed(f"{self.name} is empty.")
        if self.dialect == "csv":
            return next(csv.reader([first]))
        return first.rstrip("\r\n").split("\t")

    @property
    def done(self) -> int:
        return self._raw.tell()

    def skip(self, rows: int) -> None:
        """Skip data rows already imported (a resumed run)."""
        rest = iter(self)
        for _ in range(rows):
            if next(rest, None) is None:
                break

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        # one reader for the table's life: it reads ahead, so a second one would lose the lines read ahead
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def _read(self) -> Iterator[tuple[int, list[str]]]:
        readline = self._text.readline
        if self.dialect == "csv":
            reader = csv.reader(iter(lambda: self._guard(readline), ""))
            while True:
                row = self._guard(lambda: next(reader, None))
                if row is None:
                    return
                self.line += 1
                yield self.line, row
        # 64 KB of lines at a time: one guarded read per several hundred lines, not one per line
        readlines = self._text.readlines
        while True:
            lines = self._guard(lambda: readlines(1 << 16))
            if not lines:
                return
            for text in lines:
                self.line += 1
                yield self.line, text.rstrip("\r\n").split("\t")

    def close(self) -> None:
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
