"""Worker processes behind HAProxy (`manage.py serve --workers N`, `make run WORKERS=N`).

One Streamlit process runs its scripts on one core (the GIL), so a machine serves its users from N
`streamlit run` processes on loopback ports with HAProxy in front: a cookie pins each browser to its worker
(the websocket, uploads, media files and the login-cookie route all live in that worker's memory), health
checks on Streamlit's /_stcore/health take a dead worker out within two seconds, a supervisor restarts it,
and the login session lives in the database, so a user whose worker died reconnects to another one still
logged in. With one worker and no proxy this is the plain `streamlit run` of `make run`.

Plain Python, no Streamlit: the CLI, the load benchmark and the cluster test drive the same Server.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Self

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = PROJECT_ROOT / ".local" / "serve"
HAPROXY_TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg.template"
APT_INSTALL = ["apt-get", "install", "-y", "haproxy"]
STARTUP_SECONDS = 60
# The settings .streamlit/config.toml switches off for production, back on: reload on save while editing.
DEV_OPTIONS = ("--server.fileWatcherType", "auto", "--server.runOnSave", "true", "--runner.postScriptGC", "true")
# A worker that keeps dying is restarted less and less often, so a broken deployment does not spin.
MAX_BACKOFF = 30.0


class ServeError(Exception):
    """Something the operator must fix (a missing package, a port in use); the message says what."""


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(start: int, count: int, taken: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """`count` free loopback ports from `start` up, skipping `taken`."""
    found: list[int] = []
    port = start
    while len(found) < count:
        if port > 65535:
            raise ServeError(f"no {count} free ports from {start} up")
        if port not in taken and port_free(port):
            found.append(port)
        port += 1
    return found


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Streamlit's health endpoint answers 200 ("ok") once the server is up."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def haproxy_binary(install: bool = True) -> str:
    """The haproxy binary; installed from Debian's package when missing and we are root with apt-get, as
    scripts/dbserver.py does for mariadb-server."""
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)), None)
    if found:
        return found
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
        if subprocess.run([*APT_INSTALL, "-q"], env=env, check=False).returncode == 0 and shutil.which("haproxy"):
            return shutil.which("haproxy")
    raise ServeError(f"haproxy is not installed; install it with: sudo {' '.join(APT_INSTALL)}")


def render_haproxy_config(address: str, port: int, workers: list[tuple[str, int]], maxconn: int = 4096) -> str:
    servers = "\n".join(f"    server {name} 127.0.0.1:{wport} cookie {name}" for name, wport in workers)
    return Template(HAPROXY_TEMPLATE.read_text()).substitute(
        address=address, port=port, servers=servers, maxconn=maxconn)


@dataclass
class Worker:
    name: str
    port: int
    log: Path
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _stop_process(process: subprocess.Popen | None, grace: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Server:
    """N Streamlit workers and, when there is more than one (or proxy=True), HAProxy on `port` in front.

    Use as a context manager, or start()/stop(); supervise() restarts workers that died."""
    workers: int = 1
    port: int = 8501
    address: str = "127.0.0.1"
    dev: bool = False
    proxy: bool | None = None
    options: tuple[str, ...] = ()  # extra `streamlit run` options, e.g. ("--runner.postScriptGC", "true")
    env: dict[str, str] = field(default_factory=dict)  # on top of os.environ, e.g. STREAMSYNC_DB_URL
    state_dir: Path = STATE_DIR
    first_worker_port: int | None = None
    on_event: Callable[[str], None] = lambda message: None
    _workers: list[Worker] = field(default_factory=list, init=False)
    _haproxy: subprocess.Popen | None = field(default=None, init=False)
    _env: dict[str, str] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ServeError("--workers must be at least 1")
        if self.proxy is None:
            self.proxy = self.workers > 1

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "::", "") else self.address
        return f"http://{host}:{self.port}"

    def pids(self) -> dict[str, int]:
        """The pid of each live process by name (w1, w2, ..., haproxy)."""
        found = {w.name: w.process.pid for w in self._workers if w.alive}
        if self._haproxy is not None and self._haproxy.poll() is None:
            found["haproxy"] = self._haproxy.pid
        return found

    def worker(self, name: str) -> Worker:
        return next(w for w in self._workers if w.name == name)

    # --- starting -------------------------------------------------------------------------------------------

    def _worker_env(self) -> dict[str, str]:
        # The public address, not the worker's own (127.0.0.1 behind HAProxy): the app asks a demo account to
        # change its password when others can reach it (ui.session.reachable_from_network).
        env = {**os.environ, "STREAMSYNC_ADDRESS": self.address, **self.env}
        # Streamlit signs its XSRF cookie with server.cookieSecret, random per process unless set: workers
        # share one, so a browser that moves to another worker (its own died) can still upload. A deployment
        # over several machines sets the same STREAMLIT_SERVER_COOKIE_SECRET on each.
        env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        return env

    def _command(self, port: int, address: str) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
                "--server.address", address, "--server.headless", "true",
                *(DEV_OPTIONS if self.dev else ()), *self.options]

    def _spawn(self, worker: Worker, env: dict[str, str]) -> None:
        address = "127.0.0.1" if self.proxy else self.address
        with worker.log.open("a") as log:
            # The log is a file, not a pipe: nobody reads a pipe while serving, and a full one blocks the worker.
            worker.process = subprocess.Popen(
                self._command(worker.port, address), cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if not port_free(self.port, self.address if self.address not in ("", "::") else "0.0.0.0"):
            raise ServeError(f"port {self.port} on {self.address or 'every interface'} is in use")
        haproxy = haproxy_binary() if self.proxy else None
        if self.proxy:
            ports = free_ports(self.first_worker_port or self.port + 10, self.workers, taken={self.port})
        else:
            ports = [self.port]
        self._env = self._worker_env()
        self._workers = [Worker(f"w{i + 1}", port, self.state_dir / f"worker-{port}.log")
                         for i, port in enumerate(ports)]
        try:
            for worker in self._workers:
                self._spawn(worker, self._env)
            self._wait_healthy([w.url for w in self._workers], self._workers)
            if haproxy:
                config_path = self.state_dir / f"haproxy-{self.port}.cfg"
                config_path.write_text(render_haproxy_config(
                    self.address, self.port, [(w.name, w.port) for w in self._workers]))
                check = subprocess.run([haproxy, "-c", "-q", "-f", str(config_path)], capture_output=True, text=True,
                                       check=False)
                if check.returncode != 0:
                    raise ServeError(f"HAProxy refused {config_path}: {check.stderr.strip() or check.stdout.strip()}")
                with (self.state_dir / f"haproxy-{self.port}.log").open("a") as log:
                    # -db: stay in the foreground, so this process supervises and stops it like a worker.
                    self._haproxy = subprocess.Popen([haproxy, "-db", "-f", str(config_path)], stdin=subprocess.DEVNULL,
                                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
                self._wait_healthy([self.url], [])
        except BaseException:
            self.stop()
            raise
        self.on_event(f"serving {self.url} with {self.workers} worker(s)"
                      + (f" behind HAProxy (workers on ports {', '.join(str(p) for p in ports)})" if haproxy else ""))

    def _wait_healthy(self, urls: list[str], workers: list[Worker]) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        pending = list(urls)
        while pending:
            for worker in workers:
                if worker.process is not None and worker.process.poll() is not None:
                    raise ServeError(f"worker {worker.name} exited with status {worker.process.returncode} "
                                     f"while starting; see {worker.log}")
            if self._haproxy is not None and self._haproxy.poll() is not None:
                raise ServeError(f"HAProxy exited with status {self._haproxy.returncode}; "
                                 f"see {self.state_dir / f'haproxy-{self.port}.log'}")
            if time.monotonic() > deadline:
                raise ServeError(f"no answer from {', '.join(pending)}/_stcore/health within {STARTUP_SECONDS}s")
            pending = [url for url in pending if not healthy(url)]
            if pending:
                time.sleep(0.25)

    # --- running --------------------------------------------------------------------------------------------

    def supervise(self) -> list[str]:
        """Restart each worker that has exited (with a growing pause when one keeps dying); return their names.
        HAProxy's health check has already taken it out and puts it back once it answers."""
        restarted = []
        with self._lock:
            now = time.monotonic()
            for worker in self._workers:
                if worker.alive or worker.process is None:
                    continue
                if worker.next_start == 0.0:
                    self.on_event(f"worker {worker.name} (port {worker.port}) exited with status "
                                  f"{worker.process.returncode}; restarting it")
                    worker.next_start = now + min(MAX_BACKOFF, 0.5 * 2 ** min(worker.restarts, 6))
                if now >= worker.next_start:
                    worker.restarts += 1
                    worker.next_start = 0.0
                    self._spawn(worker, self._env)
                    restarted.append(worker.name)
            if self._haproxy is not None and self._haproxy.poll() is not None:
                raise ServeError(f"HAProxy exited with status {self._haproxy.returncode}")
        return restarted

    def run_until(self, stop: threading.Event, every: float = 0.5) -> None:
        """Supervise until `stop` is set (a signal handler or another thread sets it)."""
        while not stop.wait(every):
            self.supervise()

    def stop(self) -> None:
        """HAProxy first (no new requests), then the workers; each gets SIGTERM, SIGKILL after 10 s."""
        with self._lock:
            _stop_process(self._haproxy)
            for worker in self._workers:
                if worker.process is not None and worker.process.poll() is None:
                    worker.process.send_signal(signal.SIGTERM)
            for worker in self._workers:
                _stop_process(worker.process)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
