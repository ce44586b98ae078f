"""Login timing: does a login take as long for a username that does not exist as for one that does?

Runs core.auth.login N times each (interleaved, so a busy machine slows every case alike) for an unknown
username, a known username with a wrong password and the same with the right one, and prints the median.
Each round ends with the right password, which resets the failure count, so the account never locks.
Uses the configured database (STREAMSYNC_DB_URL) and a demo account:

    STREAMSYNC_DB_URL=mysql+mysqlconnector://root@127.0.0.1:3306/streamsync_bench_demo \\
        .venv/bin/python benchmarks/bench_login.py [--user user001] [--password 'StreamSync!2024'] [-n 20]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import auth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="user001")
    parser.add_argument("--password", default="StreamSync!2024")
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    if not auth.login(args.user, args.password).ok:
        sys.exit(f"Cannot log in as {args.user!r} with that password; pass --user and --password.")
    cases = {"unknown user": ("no_such_user_here", "Wrong-Password-1"),
             "known user, wrong password": (args.user, "Wrong-Password-1"),
             "known user, right password": (args.user, args.password)}
    times: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(args.n):
        for label, (username, password) in cases.items():
            started = time.perf_counter()
            auth.login(username, password)
            times[label].append((time.perf_counter() - started) * 1000)
    for label, ms in times.items():
        print(f"{label:28s} median {statistics.median(ms):6.1f} ms   min {min(ms):6.1f}   max {max(ms):6.1f}"
              f"   (n={args.n})")


if __name__ == "__main__":
    main()
