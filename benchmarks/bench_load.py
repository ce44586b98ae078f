"""Load benchmark: many logged-in sessions driving the real server over Streamlit's own websocket protocol.

Each simulated browser tab: GET / (as a browser does, which also picks up HAProxy's worker cookie), opens
/_stcore/stream with the login cookie of a session made through core.sessions (a real token, the cookie the
login sets), exchanges the one-time code the first run hands it at the login-cookie route (as the page's
script does), then clicks through Home, Explore, a search typed into Explore's box, a title page, Lists,
Progress and Friends with a think time between clicks. A click is a BackMsg rerun_script; its page run ends
at the ForwardMsg script_finished. Each level runs a ramp-up, then a measured window.

  python benchmarks/bench_load.py --db URL --sessions 1,25,50,100 --duration 30          # one process
  python benchmarks/bench_load.py --db URL --workers 2 --sessions 1,50,100,200           # HAProxy + 2
  python benchmarks/bench_load.py --db URL --workers 2 --sessions 300 --think-mean 5
  python benchmarks/bench_load.py --demo URL --large URL --workers 2 --sessions 1,100    # both scales
  python benchmarks/bench_load.py ... --viewers same     # viewers who own the same at both scales
  python benchmarks/bench_load.py --target http://127.0.0.1:8501 --db URL ...            # a running server
  python benchmarks/bench_load.py ... --option runner.postScriptGC=true                  # Streamlit's default
  python benchmarks/bench_load.py ... --kill-worker-at 10     # SIGKILL worker w1 10 s into each level
  python benchmarks/bench_load.py ... --rss-log FILE          # server RSS each second (the soak)

Prints per level: page runs/s, the servers' CPU time per page run and the runs/s that allows on all
cores (the machine may be shared: load avg says how much), p50/p95/p99 of a page run, p95 relative to one
session, errors (exceptions,
"database unavailable", timeouts), pool timeouts, clicks interrupted by a dead worker (clicked again after
reconnecting), reconnects and runs that were not logged in; then the issue's targets with PASS/FAIL where the
run measured them, and the machine's speed before and after (a fixed workload's time: figures from different
hours or days compare only beside it). JSON goes to benchmarks/results/.
The database's user_sessions get one row per simulated tab (user_agent "bench_load"), removed at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import signal
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from core import auth, sample_library, sessions
from db import config, engine, home
from ops.serve import Server, free_ports

PROJECT_ROOT = Path(__file__).resolve().parent.parent

RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"
RUN_TIMEOUT = 30.0  # a page run that has not finished by then counts as an error
COOKIE = "streamsync_session"
WORKER_COOKIE = "streamsync_worker"
SEARCHES = ("love", "raj", "dil", "monsoon", "ra", "war", "night", "ki")
# One visit: the pages a viewer clicks through, in order ("search" types into Explore's box).
CYCLE = ("home", "explore", "search", "media", "lists", "progress", "friends")
CODE_RE = re.compile(r'code\\": \\"([A-Za-z0-9_-]+)')
# The targets of issue 15.
TARGET_RUNS_PER_S = 80.0
TARGET_P95_RATIO = 4.0
TARGET_SCALE_RATIO = 1.3
DEFAULT_THINK = "0.2,0.8"
# --viewers same: this many accounts, each with core.sample_library's library (30 titles listed, 15 rated, 4
# series in progress, 4 friends), made on first use in each database and kept.
SAME_VIEWERS = 20
# A level is saturated once its median page run takes longer than twice the one-session p95: the server
# is queueing runs, not serving them. "0 pool timeouts below saturation" counts the other levels.
SATURATED_P50 = 2.0


@dataclass
class Level:
    sessions: int
    seconds: float = 0.0
    runs: int = 0
    runs_per_s: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    p95_ratio: float | None = None
    errors: int = 0
    interrupted: int = 0
    pool_timeouts: int = 0
    timeouts: int = 0
    reconnects: int = 0
    logged_out_runs: int = 0
    cookie_route_errors: int = 0
    client_cpu_pct: float = 0.0
    server_cpu_ms_per_run: float | None = None
    db_cpu_ms_per_run: float | None = None  # this machine's MariaDB/MySQL server, when it runs here
    capacity_runs_per_s: float | None = None  # what the server's CPU per run allows on every core of this machine
    load_avg: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    pages: dict[str, list[float | None]] = field(default_factory=dict)  # click -> [p50 ms, p95 ms]


class Stats:
    """What the sessions of one level record; only runs inside the measured window count."""

    def __init__(self) -> None:
        self.window: tuple[float, float] = (float("inf"), float("inf"))
        self.latencies: list[float] = []
        self.by_page: dict[str, list[float]] = {}
        self.level = Level(0)

    def measuring(self, at: float) -> bool:
        return self.window[0] <= at <= self.window[1]

    def error(self, kind: str, detail: str, at: float) -> None:
        if not self.measuring(at):
            return
        if kind == "cut":
            # The worker died under the click: the tab reconnects (to another worker) and clicks again,
            # as the browser does; counted apart from errors, which a user would see.
            self.level.interrupted += 1
            return
        self.level.errors += 1
        if kind == "pool":
            self.level.pool_timeouts += 1
        if kind == "timeout":
            self.level.timeouts += 1
        if len(self.level.error_samples) < 5:
            self.level.error_samples.append(f"{kind}: {detail[:160]}")


@dataclass
class RunResult:
    finished: bool = False
    logged_in: bool = False
    error: tuple[str, str] | None = None
    search_id: str | None = None
    code: str | None = None


def _set_cookies(jar: dict[str, str], headers) -> None:
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


class Tab:
    """One browser tab of one logged-in user."""

    def __init__(self, base: str, token: str, media_ids: list[int], stats: Stats, think, rng: random.Random):
        self.base, self.stats, self.think, self.rng = base, stats, think, rng
        self.jar = {COOKIE: token}
        self.media_ids = media_ids
        self.ws = None
        self.search_id: str | None = None
        self.step = rng.randrange(len(CYCLE))

    def _page_load(self) -> None:
        """GET / as the browser's first request (HAProxy answers with its worker cookie)."""
        request = urllib.request.Request(self.base + "/", headers={"Cookie": _cookie_header(self.jar)})
        with urllib.request.urlopen(request, timeout=RUN_TIMEOUT) as response:
            response.read()
            _set_cookies(self.jar, response.headers)

    def _redeem(self, code: str) -> bool:
        """What the page's script does with the one-time code: POST it to the login-cookie route."""
        host = urlsplit(self.base).netloc
        request = urllib.request.Request(
            self.base + "/streamsync/session", data=json.dumps({"code": code}).encode(), method="POST",
            headers={"Content-Type": "application/json", "Origin": self.base, "Host": host,
                     "Cookie": _cookie_header(self.jar)})
        try:
            with urllib.request.urlopen(request, timeout=RUN_TIMEOUT) as response:
                _set_cookies(self.jar, response.headers)
                return response.status == 204
        except urllib.error.HTTPError:
            return False

    async def _connect(self) -> None:
        await asyncio.to_thread(self._page_load)
        ws_url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
        self.ws = await connect(ws_url, subprotocols=["streamlit"], origin=self.base, max_size=None,
                                additional_headers={"Cookie": _cookie_header(self.jar)}, open_timeout=RUN_TIMEOUT,
                                compression=None)
        _set_cookies(self.jar, self.ws.response.headers)

    def _request(self, action: str) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        # The default page (Home) lives at the root URL, so its page name is empty.
        state.page_name = {"search": "explore", "home": ""}.get(action, action)
        if action == "media":
            state.query_string = f"id={self.rng.choice(self.media_ids)}"
        if action == "search" and self.search_id:
            widget = state.widget_states.widgets.add()
            widget.id = self.search_id
            widget.string_value = self.rng.choice(SEARCHES)
        return msg

    async def _run(self, msg: BackMsg) -> RunResult:
        """Send one click and read ForwardMsgs until its run is over."""
        await self.ws.send(msg.SerializeToString())
        result = RunResult()
        async with asyncio.timeout(RUN_TIMEOUT):
            while True:
                fwd = ForwardMsg.FromString(await self.ws.recv())
                kind = fwd.WhichOneof("type")
                if kind == "delta":
                    self._inspect(fwd.delta, result)
                elif kind == "page_not_found":
                    result.error = ("error", f"page not found: {fwd.page_not_found.page_name}")
                elif kind == "script_finished":
                    # A run that called st.rerun() ends "early for rerun" and the next run follows at once.
                    if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        result.error = ("error", "script compile error")
                    result.finished = True
                    return result

    @staticmethod
    def _inspect(delta, result: RunResult) -> None:
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "markdown" and element.markdown.body.startswith("Logged in as"):
            result.logged_in = True
        elif kind == "text_input" and element.text_input.id.endswith("-q"):
            result.search_id = element.text_input.id
        elif kind == "html" and "streamsync/session" in element.html.body:
            found = CODE_RE.search(element.html.body)
            result.code = found.group(1) if found else None
        elif kind == "exception":
            result.error = ("error", f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and "database is unavailable" in element.alert.body:
            pool = "every pooled connection is busy" in element.alert.body
            result.error = ("pool" if pool else "error", element.alert.body)

    async def click(self, action: str) -> None:
        started = time.monotonic()
        try:
            result = await self._run(self._request(action))
        except TimeoutError:
            self.stats.error("timeout", f"{action}: no script_finished in {RUN_TIMEOUT:.0f}s", started)
            await self._reconnect()
            return
        except ConnectionClosed as exc:
            # The worker went away mid-run (killed): the browser reconnects, to another worker, and reruns.
            self.stats.error("cut", f"{action}: connection closed ({exc})", started)
            await self._reconnect()
            return
        ended = time.monotonic()
        if result.search_id:
            self.search_id = result.search_id
        if result.code and not await asyncio.to_thread(self._redeem, result.code) and self.stats.measuring(started):
            self.stats.level.cookie_route_errors += 1
        if not self.stats.measuring(started):
            return
        if result.error:
            self.stats.error(result.error[0], f"{action}: {result.error[1]}", started)
        elif not result.logged_in:
            self.stats.level.logged_out_runs += 1
        self.stats.latencies.append(ended - started)
        self.stats.by_page.setdefault(action, []).append(ended - started)
        if self.stats.measuring(ended):
            self.stats.level.runs += 1

    async def _reconnect(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        for attempt in range(20):
            try:
                await asyncio.sleep(min(2.0, 0.25 * (attempt + 1)))
                await self._connect()
                if self.stats.measuring(time.monotonic()):
                    self.stats.level.reconnects += 1
                await self.click(CYCLE[self.step % len(CYCLE)])
                return
            except (OSError, InvalidHandshake, InvalidStatus, ConnectionClosed, TimeoutError):
                continue

    async def live(self, start_at: float, stop_at: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            await self._connect()
            await self.click("home")
            while time.monotonic() < stop_at:
                await asyncio.sleep(self.think(self.rng))
                self.step += 1
                await self.click(CYCLE[self.step % len(CYCLE)])
        except (OSError, InvalidHandshake, InvalidStatus) as exc:
            self.stats.error("connect", str(exc), time.monotonic())
        finally:
            if self.ws is not None:
                await self.ws.close()


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (from /proc; 0 for one that is gone)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return total


def database_pids() -> list[int]:
    """The MariaDB or MySQL server processes on this machine (none when the database is elsewhere)."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in ("mariadbd", "mysqld"):
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


# A new worker builds its search index on a background thread (core.search.warm_up: about 3 s of CPU at
# 100,000 titles). The one-session level measures a page run of one user alone, not the start-up of four
# workers on two cores, so the ladder waits until the servers are idle first.
SETTLED_CPU = 0.05  # seconds of the servers' CPU in the last second that count as idle
SETTLE_LIMIT = 60.0


def settle(server) -> float:
    """Wait until the servers' processes use under SETTLED_CPU of CPU per second; return the seconds waited."""
    started = time.monotonic()
    before = cpu_seconds(server.pids().values())
    while time.monotonic() - started < SETTLE_LIMIT:
        time.sleep(1.0)
        now = cpu_seconds(server.pids().values())
        if now - before < SETTLED_CPU:
            break
        before = now
    return time.monotonic() - started


async def run_level(base: str, tokens: list[str], media_ids: list[int], duration: float, think,
                    seed: int, on_window=None, server_pids=None) -> Level:
    stats = Stats()
    n = len(tokens)
    ramp = min(20.0, max(1.0, n / 15))
    now = time.monotonic()
    stats.window = (now + ramp + 2.0, now + ramp + 2.0 + duration)
    rng = random.Random(seed)
    tabs = [Tab(base, token, media_ids, stats, think, random.Random(rng.random())) for token in tokens]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    watcher = asyncio.create_task(on_window(stats.window)) if on_window else None
    server_cpu: list[float] = []
    db_cpu: list[float] = []
    databases = database_pids()

    async def sample_cpu():
        # The machine is shared: the servers' own CPU time per page run says what they could do alone, and
        # the database server's what each run costs it.
        for edge in stats.window:
            await asyncio.sleep(max(0.0, edge - time.monotonic()))
            server_cpu.append(cpu_seconds(server_pids().values()))
            db_cpu.append(cpu_seconds(databases))

    sampler = asyncio.create_task(sample_cpu()) if server_pids else None
    await asyncio.gather(*(tab.live(now + ramp * i / n, stats.window[1]) for i, tab in enumerate(tabs)))
    for task in (watcher, sampler):
        if task:
            await task
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    level = stats.level
    level.sessions = n
    level.seconds = duration
    level.runs_per_s = level.runs / duration
    level.p50_ms, level.p95_ms, level.p99_ms = (
        None if (v := percentile(stats.latencies, p)) is None else round(v * 1000, 1) for p in (50, 95, 99))
    level.pages = {page: [round(percentile(times, p) * 1000, 1) for p in (50, 95)]
                   for page, times in stats.by_page.items()}
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    level.client_cpu_pct = round(100 * cpu / (time.monotonic() - now), 1)
    level.load_avg = round(os.getloadavg()[0], 2)
    if len(server_cpu) == 2 and level.runs:
        level.server_cpu_ms_per_run = round(1000 * (server_cpu[1] - server_cpu[0]) / level.runs, 1)
        level.capacity_runs_per_s = round(os.cpu_count() * 1000 / level.server_cpu_ms_per_run, 1)
        if databases:
            level.db_cpu_ms_per_run = round(1000 * (db_cpu[1] - db_cpu[0]) / level.runs, 1)
    return level


def reference_ms() -> float:
    """The machine's speed at this minute: the median of 15 timings of a fixed piece of what a worker does for
    each element (a ForwardMsg built and serialized, a dict and a string made), after a warm-up (the first
    tenths of a second after a pause ran up to twice as slow). A shared machine's speed drifts by a third
    within an hour, so a ladder's figures are read against this one taken beside them (lower: faster)."""

    def once() -> float:
        started = time.perf_counter()
        for i in range(2000):
            msg = ForwardMsg()
            msg.metadata.delta_path[:] = [0, i % 7, i % 5]
            msg.delta.new_element.markdown.body = f"**{i}** · a caption of a card"
            json.dumps({"media_id": i, "title": f"Title {i}", "year": 2000 + i % 25})
            msg.SerializeToString()
        return time.perf_counter() - started

    for _ in range(20):
        once()
    return round(statistics.median(once() for _ in range(15)) * 1000, 1)


def make_think(args):
    if args.think_mean:
        # Exponential think times (a Poisson arrival of clicks per user), capped so a level's tail ends.
        return lambda rng: min(6 * args.think_mean, rng.expovariate(1 / args.think_mean))
    low, high = (float(x) for x in args.think.split(","))
    return lambda rng: rng.uniform(low, high)


class RssSampler(threading.Thread):
    """Each second: the RSS (MiB) of every server process, to a CSV."""

    def __init__(self, server: Server, path: Path):
        super().__init__(daemon=True)
        self.server, self.path, self.stop = server, path, threading.Event()
        self.samples: list[tuple[float, float]] = []

    def run(self) -> None:
        started = time.monotonic()
        with self.path.open("w") as out:
            out.write("seconds,total_mib," + ",".join(self.server.pids()) + "\n")
            while not self.stop.wait(1.0):
                values = []
                for pid in self.server.pids().values():
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                        values.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
                    except (OSError, AttributeError):
                        values.append(0.0)
                total = sum(values)
                self.samples.append((time.monotonic() - started, total))
                out.write(f"{self.samples[-1][0]:.0f},{total:.1f}," + ",".join(f"{v:.1f}" for v in values) + "\n")
                out.flush()

    def summary(self) -> str:
        if len(self.samples) < 120:
            return f"RSS: {len(self.samples)} samples"
        totals = [t for _, t in self.samples]
        minute = 60
        first, last = statistics.median(totals[minute:2 * minute]), statistics.median(totals[-minute:])
        per_min = []
        for start in range(0, len(totals), minute):
            chunk = totals[start:start + minute]
            per_min.append(f"{statistics.median(chunk):.0f}")
        return (f"RSS (MiB, all server processes): min {min(totals):.0f}, max {max(totals):.0f}; median of minute 2 "
                f"{first:.0f}, of the last minute {last:.0f} ({last - first:+.0f}); per-minute medians: "
                + " ".join(per_min))


def open_tabs(usernames: list[str], n: int) -> list[tuple[str, str]]:
    """n login sessions, cycling over the accounts: (username, token)."""
    return [(u, sessions.create_session(u, user_agent="bench_load"))
            for u in (usernames[i % len(usernames)] for i in range(n))]


def close_tabs(opened: list[tuple[str, str]]) -> None:
    for username, token in opened:
        sessions.revoke_session(username, token)


def print_levels(title: str, levels: list[Level]) -> None:
    print(f"\n### {title}\n")
    print("| sessions | runs/s | p50 ms | p95 ms | p99 ms | p95 / 1 session | errors | pool timeouts | "
          "interrupted | reconnects | logged-out runs | cookie-route errors | server CPU ms/run | "
          "runs/s the CPU allows | database CPU ms/run | client CPU % | load avg |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lv in levels:
        ratio = f"{lv.p95_ratio:.1f}x" if lv.p95_ratio is not None else "-"
        print(f"| {lv.sessions} | {lv.runs_per_s:.1f} | {lv.p50_ms} | {lv.p95_ms} | {lv.p99_ms} | {ratio} | "
              f"{lv.errors} | {lv.pool_timeouts} | {lv.interrupted} | {lv.reconnects} | {lv.logged_out_runs} | "
              f"{lv.cookie_route_errors} | {lv.server_cpu_ms_per_run} | {lv.capacity_runs_per_s} | "
              f"{lv.db_cpu_ms_per_run} | {lv.client_cpu_pct} | {lv.load_avg} |")
    # Which clicks make the tail: p50 / p95 of each page at each level.
    print("\n| sessions | " + " | ".join(f"{page} p50/p95 ms" for page in CYCLE) + " |")
    print("|---:|" + "---:|" * len(CYCLE))
    for lv in levels:
        cells = ("/".join(str(v) for v in lv.pages[page]) if page in lv.pages else "-" for page in CYCLE)
        print(f"| {lv.sessions} | " + " | ".join(cells) + " |")
    for lv in levels:
        for sample in lv.error_samples:
            print(f"  {lv.sessions} sessions: {sample}")


def viewers(kind: str) -> list[str]:
    """Who the sessions log in as: the data set's own accounts (user001-user150: at large scale each owns ten
    times what a demo account owns), or accounts that own the same at every scale (made here on first use)."""
    if kind == "dataset":
        return [f"user{i:03d}" for i in range(1, 151)]
    password_hash = auth.hash_password(secrets.token_urlsafe(24))  # nobody types it: tabs use session rows
    made = [f"load_viewer_{i:02d}" for i in range(1, SAME_VIEWERS + 1)]
    for username in made:
        sample_library.ensure_busy_viewer(username, password_hash)
    return made


def ladder(args, db_url: str, label: str) -> list[Level]:
    os.environ["STREAMSYNC_DB_URL"] = db_url
    engine.dispose_engine()
    usernames = viewers(args.viewers)
    media_ids = [row["media_id"] for row in home.top_rated(1, limit=200)]
    counts = [int(x) for x in args.sessions.split(",")]
    if counts[0] != 1:
        counts.insert(0, 1)  # the one-session baseline every p95 is compared with
    options = tuple(part for opt in args.option for part in ("--" + opt.split("=", 1)[0], opt.split("=", 1)[1]))
    server = None
    if not args.target:
        port = free_ports(args.port, 1)[0]
        server = Server(workers=args.workers, port=port, options=options, env={"STREAMSYNC_DB_URL": db_url},
                        state_dir=PROJECT_ROOT / ".local" / "bench", on_event=lambda m: print(f"bench: {m}"))
        server.start()
        print(f"bench: the servers were idle {settle(server):.0f} s after they started")
    base = args.target.rstrip("/") if args.target else server.url
    sampler = None
    if args.rss_log and server:
        sampler = RssSampler(server, Path(args.rss_log))
        sampler.start()
    supervisor_stop = threading.Event()
    if server:
        threading.Thread(target=server.run_until, args=(supervisor_stop,), daemon=True).start()

    async def kill_worker(window):
        await asyncio.sleep(max(0.0, window[0] + args.kill_worker_at - time.monotonic()))
        pid = server.pids().get("w1")
        if pid:
            os.kill(pid, signal.SIGKILL)
            print(f"bench: killed worker w1 (pid {pid}) {args.kill_worker_at:.0f}s into the window")

    levels: list[Level] = []
    think = make_think(args)
    # The one-session reference is what a page run costs one user alone: enough clicks for a p95 whatever
    # the think time of the load levels.
    baseline_think = make_think(argparse.Namespace(think_mean=None, think=DEFAULT_THINK))
    try:
        for i, n in enumerate(counts):
            opened = open_tabs(usernames, n)
            try:
                duration = args.baseline_duration if n == 1 else args.duration
                killer = kill_worker if (args.kill_worker_at is not None and server and n > 1) else None
                level = asyncio.run(run_level(base, [t for _, t in opened], media_ids, duration,
                                              baseline_think if n == 1 else think,
                                              args.seed + i, killer, server.pids if server else None))
            finally:
                close_tabs(opened)
            if levels and levels[0].p95_ms and level.p95_ms:
                level.p95_ratio = round(level.p95_ms / levels[0].p95_ms, 2)
            levels.append(level)
            print(f"bench: {label}: {n} sessions: {level.runs_per_s:.1f} runs/s, p95 {level.p95_ms} ms, "
                  f"{level.errors} errors", flush=True)
    finally:
        supervisor_stop.set()
        if sampler:
            sampler.stop.set()
            sampler.join()
            print("bench: " + sampler.summary())
        if server:
            server.stop()
    return levels


def targets(args, results: dict[str, list[Level]]) -> list[str]:
    lines = []
    best = max((lv.runs_per_s for levels in results.values() for lv in levels), default=0.0)
    lines.append(f"viewer page runs/s (best level) {best:.1f} >= {TARGET_RUNS_PER_S:.0f}: "
                 + ("PASS" if best >= TARGET_RUNS_PER_S else "FAIL"))
    capacity = max((lv.capacity_runs_per_s or 0.0 for levels in results.values() for lv in levels), default=0.0)
    if capacity:
        lines.append(f"  (the servers' CPU per run allows {capacity:.1f} runs/s on {os.cpu_count()} cores "
                     f"of their own; load avg now {os.getloadavg()[0]:.1f})")
    for label, levels in results.items():
        errors = sum(lv.errors for lv in levels)
        lines.append(f"{label}: errors over all levels {errors}: " + ("PASS" if errors == 0 else "FAIL"))
        base = levels[0].p95_ms or 0.0
        below = [lv for lv in levels[1:] if lv.p50_ms is not None and lv.p50_ms <= SATURATED_P50 * base]
        pool = sum(lv.pool_timeouts for lv in below)
        lines.append(f"{label}: pool timeouts below saturation ({len(below)} of {len(levels) - 1} levels had a "
                     f"median run under {SATURATED_P50:.0f}x the one-session p95) {pool}: "
                     + ("PASS" if pool == 0 else "FAIL"))
        if args.think_mean == 5:
            for lv in levels:
                if lv.sessions >= 300 and lv.p95_ratio is not None:
                    lines.append(f"{label}: {lv.sessions} sessions, think mean 5 s: p95 {lv.p95_ratio:.1f}x one "
                                 f"session <= {TARGET_P95_RATIO:.0f}x: "
                                 + ("PASS" if lv.p95_ratio <= TARGET_P95_RATIO and lv.errors == 0 else "FAIL"))
    if "demo" in results and "large" in results:
        for demo, large in zip(results["demo"], results["large"], strict=False):
            if demo.p95_ms and large.p95_ms:
                ratio = large.p95_ms / demo.p95_ms
                lines.append(f"{demo.sessions} sessions: large/demo p95 {ratio:.2f} <= {TARGET_SCALE_RATIO}: "
                             + ("PASS" if ratio <= TARGET_SCALE_RATIO else "FAIL"))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="the database the server uses (default: the configured one)")
    parser.add_argument("--demo", help="a demo-scale database: run the ladder on it")
    parser.add_argument("--large", help="a large-scale database: run the ladder on it too")
    parser.add_argument("--target",
                        help="drive this running server instead of starting one (--db must be its database)")
    parser.add_argument("--workers", type=int, default=1, help="1: one plain Streamlit process; N: HAProxy + N")
    parser.add_argument("--port", type=int, default=8700, help="first port tried for the started server")
    parser.add_argument("--sessions", default="1,25,50,100", help="the ladder, comma-separated (1 is always first)")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per level (after ramp-up)")
    parser.add_argument("--baseline-duration", type=float, default=20.0, help="measured seconds of the 1-session level")
    parser.add_argument("--think", default=DEFAULT_THINK, help="uniform think time between clicks: MIN,MAX seconds")
    parser.add_argument("--think-mean", type=float, help="exponential think time with this mean instead")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit option for the started server, e.g. runner.postScriptGC=true")
    parser.add_argument("--kill-worker-at", type=float, help="SIGKILL worker w1 this many seconds into each window")
    parser.add_argument("--rss-log", help="write the server processes' RSS each second to this CSV")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--viewers", choices=("dataset", "same"), default="dataset",
                        help="dataset: log in as the data set's own accounts (user001-user150); same: as "
                             f"{SAME_VIEWERS} accounts with the same library at every scale, made on first use")
    args = parser.parse_args()
    if args.target and args.workers != 1:
        parser.error("--workers starts servers; with --target the server is already running")

    scales = {k: v for k, v in (("demo", args.demo), ("large", args.large)) if v}
    if not scales:
        scales = {"db": args.db or config.database_url().render_as_string(hide_password=False)}
    think = f"exponential, mean {args.think_mean} s" if args.think_mean else f"uniform {args.think} s"
    speed = {"before": reference_ms()}
    print(f"bench: workers {args.workers if not args.target else 'n/a (--target)'}, think {think}, "
          f"{args.duration:.0f} s per level, {os.cpu_count()} cores, load avg before {os.getloadavg()[0]:.2f}, "
          f"options {args.option or 'config.toml'}, viewers {args.viewers}, "
          f"machine reference {speed['before']} ms (lower: faster)")
    results = {label: ladder(args, url, label) for label, url in scales.items()}
    speed["after"] = reference_ms()
    print(f"bench: machine reference {speed['before']} ms before the ladders, {speed['after']} ms after")
    for label, levels in results.items():
        print_levels(f"{label}: {make_url(scales[label]).database}, workers {args.workers}, think {think}", levels)
    print("\nTargets (issue 15):")
    for line in targets(args, results):
        print("  " + line)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"args": vars(args), "machine_reference_ms": speed,
                               "results": {k: [asdict(lv) for lv in v] for k, v in results.items()}},
                              indent=2))
    print(f"\nbench: saved {out.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
