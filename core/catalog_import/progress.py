"""A progress bar on a terminal (one line rewritten in place: bar, rows, rate, time left), or a plain line
every few seconds when the output is a file or a pipe (cron logs)."""
from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    WIDTH = 24

    def __init__(self, stream: TextIO | None = sys.stderr, interval: float | None = None):
        self.stream = stream
        self.tty = bool(stream and stream.isatty())
        self.interval = interval if interval is not None else (0.5 if self.tty else 10.0)
        self.label, self.total, self.rows, self.started, self.shown = "", 0, 0, time.monotonic(), 0.0

    def start(self, label: str, total: int) -> None:
        """A new step of `total` units (bytes of a file, or staged rows)."""
        self.label, self.total, self.rows = label, max(total, 1), 0
        self.started = self.shown = time.monotonic()

    def update(self, done: int, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if self.stream and now - self.shown >= self.interval:
            self.shown = now
            self._draw(done, now)

    def finish(self) -> None:
        if self.stream:
            self._draw(self.total, time.monotonic())
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()

    def _draw(self, done: int, now: float) -> None:
        fraction = min(done / self.total, 1.0)
        elapsed = max(now - self.started, 1e-6)
        rate = self.rows / elapsed
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
        bar = "#" * int(fraction * self.WIDTH)
        text = (f"{self.label:<22} [{bar:<{self.WIDTH}}] {fraction:4.0%} {self.rows:>12,} rows "
                f"{rate:>9,.0f} rows/s  {_clock(elapsed)} elapsed, {_clock(left)} left")
        self.stream.write(("\r" + text) if self.tty else text + "\n")
        self.stream.flush()
