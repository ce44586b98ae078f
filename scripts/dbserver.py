"""Find the MySQL-compatible server StreamSync should use; start a private one when there is none.

First that works wins:
 1. The configured server (STREAMSYNC_DB_URL, else .streamlit/secrets.toml): used as it is, never replaced;
    if it does not answer, say so and stop.
 2. 127.0.0.1:3306 (STREAMSYNC_PROBE_PORT changes the port) when it answers and lets root in without a
    password.
 3. The private server of this checkout: data, socket, pid and log in .local/mariadb (ignored by git),
    on port 3307 or the next free one, started in the background from the installed MariaDB or MySQL
    binaries and reused next time.
 4. No server binaries: `apt-get install -y mariadb-server` when root with apt-get (then 2 or 3),
    otherwise print the command to run and stop.

Usage (run with the project's .venv python; messages go to stderr, the answer to stdout):
  python scripts/dbserver.py url         the app's database URL; creates the database if missing
  python scripts/dbserver.py server-url  the server URL without a database (tests create their own)
  python scripts/dbserver.py status      which server would be used, starting nothing
  python scripts/dbserver.py stop        stop the private server of this checkout
"""
from __future__ import annotations

import argparse
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import URL, make_url  # noqa: E402
from sqlalchemy.exc import ArgumentError, DBAPIError  # noqa: E402

from db import config, schema  # noqa: E402
from db.errors import DatabaseUnavailable  # noqa: E402

PRIVATE_DIR = PROJECT_ROOT / ".local" / "mariadb"
DATA_DIR = PRIVATE_DIR / "data"
PID_FILE = PRIVATE_DIR / "mysqld.pid"
PORT_FILE = PRIVATE_DIR / "port"
ERROR_LOG = PRIVATE_DIR / "error.log"
FIRST_PRIVATE_PORT = int(os.environ.get("STREAMSYNC_PRIVATE_PORT", "3307"))
STARTUP_SECONDS = 60
BINARY_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/local/mysql/bin", "/usr/bin"]
APT_INSTALL = ["apt-get", "install", "-y", "mariadb-server"]
# The app's database on a server we found ourselves (a configured URL names its own).
DATABASE = "streamsync"


class NoServer(SystemExit):
    """Stop with one clear line on stderr and exit status 1."""

    def __init__(self, message: str):
        print(f"dbserver: {message}", file=sys.stderr)
        super().__init__(1)


def say(message: str) -> None:
    print(f"dbserver: {message}", file=sys.stderr)


def root_url(port: int) -> URL:
    return make_url(f"mysql+mysqlconnector://root@127.0.0.1:{port}/").update_query_dict(config.REQUIRED_QUERY)


def where(url: URL) -> str:
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 3306}"


# --- probing ------------------------------------------------------------------------------------------------

def answers(port: int, host: str = "127.0.0.1") -> bool:
    """Something listens on host:port (TCP connect succeeds)."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def login_problem(url: URL) -> str | None:
    """None when we can log in to url's server (no database chosen); else the server's reason."""
    engine = schema.server_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except DBAPIError as exc:
        return getattr(exc.orig, "msg", None) or str(exc.orig)
    finally:
        engine.dispose()


def server_datadir(url: URL) -> Path | None:
    engine = schema.server_engine(url)
    try:
        with engine.connect() as conn:
            return Path(conn.execute(text("SELECT @@datadir")).scalar()).resolve()
    except DBAPIError:
        return None
    finally:
        engine.dispose()


# --- the configured server and the default port ---------------------------------------------------------------

def configured_url() -> URL | None:
    """The URL the user configured (environment or secrets file), or None when they configured nothing."""
    try:
        if os.environ.get("STREAMSYNC_DB_URL") or config._from_secrets():
            return config.database_url()
    except (ArgumentError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise NoServer(f"the configured database URL (STREAMSYNC_DB_URL or {config.SECRETS_FILE}) "
                       f"is not valid: {exc}") from exc
    return None


def check_configured(url: URL) -> URL:
    source = "STREAMSYNC_DB_URL" if os.environ.get("STREAMSYNC_DB_URL") else str(config.SECRETS_FILE)
    try:
        problem = login_problem(url)
    except ArgumentError as exc:  # e.g. a driver name SQLAlchemy does not know
        raise NoServer(f"the database URL in {source} is not valid: {exc}. "
                       "It looks like mysql+mysqlconnector://user:password@host:3306/streamsync") from exc
    if problem:
        raise NoServer(f"the server configured in {source} ({where(url)}) cannot be used: {problem}. "
                       f"Start it, fix the URL, or unset it to let StreamSync find or start a server.")
    say(f"using the server configured in {source}: {where(url)}")
    return url


def probe_port() -> int:
    return int(os.environ.get("STREAMSYNC_PROBE_PORT", "3306"))


def default_server() -> URL | None:
    port = probe_port()
    if not answers(port):
        say(f"nothing answers on 127.0.0.1:{port}")
        return None
    url = root_url(port)
    problem = login_problem(url)
    if problem:
        say(f"127.0.0.1:{port} answers but does not let root in without a password ({problem}); "
            "set STREAMSYNC_DB_URL to use it with your own user. Using a private server instead.")
        return None
    say(f"using the server on 127.0.0.1:{port} (root, no password)")
    return url


# --- the private server -------------------------------------------------------------------------------------

def find_binary(*names: str) -> str | None:
    search_path = os.pathsep.join([os.environ.get("PATH", "")] + BINARY_DIRS)
    for name in names:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return None


def socket_path() -> Path:
    """The private server's socket; under /tmp when the project path is too long for a Unix socket."""
    path = PRIVATE_DIR / "mysqld.sock"
    if len(str(path)) < 100:
        return path
    digest = hashlib.sha1(str(PROJECT_ROOT).encode()).hexdigest()[:10]
    return Path("/tmp") / f"streamsync-{digest}.sock"


def run_as() -> str:
    """mariadbd/mysqld refuse to run as root unless told to; the private server runs as whoever we are."""
    return pwd.getpwuid(os.geteuid()).pw_name


def is_mariadb(server: str) -> bool:
    return "MariaDB" in subprocess.run([server, "--version"], capture_output=True, text=True).stdout


def initialize(server: str) -> None:
    """Create the data directory with a root user that logs in over TCP without a password."""
    partial = PRIVATE_DIR / "data.partial"
    shutil.rmtree(partial, ignore_errors=True)  # left by an interrupted earlier attempt
    if is_mariadb(server):
        install_db = find_binary("mariadb-install-db", "mysql_install_db")
        if not install_db:
            raise NoServer(f"found {server} but not mariadb-install-db to initialise its data directory; "
                           "install it with: apt-get install -y mariadb-server")
        command = [install_db, "--no-defaults", f"--datadir={partial}", f"--user={run_as()}",
                   "--auth-root-authentication-method=normal", "--skip-test-db"]
    else:
        command = [server, "--no-defaults", "--initialize-insecure", f"--datadir={partial}", f"--user={run_as()}"]
    say(f"initialising a private server's data in {DATA_DIR.relative_to(PROJECT_ROOT)} ...")
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise NoServer(f"initialising the data directory failed ({' '.join(command)}):\n{done.stdout[-2000:]}")
    partial.rename(DATA_DIR)


def pick_port() -> int:
    port = FIRST_PRIVATE_PORT
    while answers(port):
        port += 1
    return port


def private_pid() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def running_private_server() -> URL | None:
    """The private server of this checkout if it is up (its port answers with our data directory)."""
    if not PORT_FILE.exists():
        return None
    url = root_url(int(PORT_FILE.read_text().strip()))
    if answers(url.port) and server_datadir(url) == DATA_DIR.resolve():
        return url
    return None


def start_private(server: str) -> URL:
    port = pick_port()
    for stale in (socket_path(), PID_FILE):
        stale.unlink(missing_ok=True)
    command = [server, "--no-defaults", f"--datadir={DATA_DIR}", f"--socket={socket_path()}", f"--port={port}",
               "--bind-address=127.0.0.1", f"--pid-file={PID_FILE}", f"--log-error={ERROR_LOG}",
               f"--user={run_as()}", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"]
    if not is_mariadb(server):
        # MySQL 8: no X Protocol port (it would clash with a system MySQL's 33060) and no binary log (which
        # would refuse triggers from a user without SUPER).
        command += ["--mysqlx=OFF", "--skip-log-bin"]
    say(f"starting a private server on 127.0.0.1:{port} (log: {ERROR_LOG.relative_to(PROJECT_ROOT)}) ...")
    # A session of its own: the server outlives this script and the terminal's Ctrl-C.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True, cwd=PRIVATE_DIR)
    url = root_url(port)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not (answers(port) and login_problem(url) is None):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = ERROR_LOG.read_text(errors="replace").splitlines()[-15:] if ERROR_LOG.exists() else []
            raise NoServer(f"the private server did not come up ({' '.join(command)}). Its log says:\n"
                           + "\n".join(tail))
        time.sleep(0.5)
    PORT_FILE.write_text(f"{port}\n")
    return url


def private_server() -> URL | None:
    """Reuse or start the private server; None when no server binary is installed."""
    url = running_private_server()
    if url:
        say(f"reusing the private server on 127.0.0.1:{url.port} (data in .local/mariadb)")
        return url
    server = find_binary("mariadbd", "mysqld")
    if not server:
        return None
    PRIVATE_DIR.mkdir(parents=True, exist_ok=True)
    if not (DATA_DIR / "mysql").is_dir():
        initialize(server)
    url = start_private(server)
    say(f"private server up on 127.0.0.1:{url.port}; `make stop-db` stops it")
    return url


def install_package() -> None:
    command = " ".join(APT_INSTALL)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise NoServer("no MySQL-compatible server is reachable or installed. Install MariaDB with "
                       f"`sudo apt-get update && sudo {command}` (or set STREAMSYNC_DB_URL to a server you have), "
                       "then run this command again.")
    say(f"no MySQL-compatible server found: installing one with `{command}` ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update"], APT_INSTALL):
        if subprocess.run(step, env=env, stdout=sys.stderr, stderr=sys.stderr).returncode != 0:
            raise NoServer(f"`{' '.join(step)}` failed; install a server yourself or set STREAMSYNC_DB_URL.")


def find_server() -> URL:
    """The server to use, without a database chosen (a configured URL keeps its database)."""
    url = configured_url()
    if url is not None:
        return check_configured(url)
    found = default_server() or private_server()
    if found:
        return found
    install_package()
    found = default_server() or private_server()
    if not found:
        raise NoServer("mariadb-server is installed but neither 127.0.0.1:3306 nor a private server works.")
    return found


def app_url(server: URL) -> URL:
    url = server if server.database else server.set(database=DATABASE)
    try:
        schema.create_database_if_missing(url)
    except DatabaseUnavailable as exc:
        raise NoServer(f"{exc}. Give the user the rights the README lists, or create the database "
                       f"`{url.database}` yourself.") from exc
    return url


def stop() -> None:
    pid = private_pid()
    if pid is None:
        say("the private server is not running")
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(120):
        if private_pid() is None:
            say(f"stopped the private server (pid {pid})")
            return
        time.sleep(0.5)
    raise NoServer(f"the private server (pid {pid}) did not stop within 60 s")


def status() -> str:
    """Which server `url` would use now, starting nothing."""
    url = configured_url()
    if url is not None:
        return f"configured: {where(url)}"
    if answers(probe_port()) and login_problem(root_url(probe_port())) is None:
        return f"default: root@127.0.0.1:{probe_port()}"
    url = running_private_server()
    if url is not None:
        return f"private: root@127.0.0.1:{url.port} (pid {private_pid()}, data in .local/mariadb)"
    return "no server in use yet; `make run` finds or starts one"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["url", "server-url", "status", "stop"])
    command = parser.parse_args().command
    if command == "stop":
        stop()
    elif command == "status":
        print(status())
    elif command == "server-url":
        print(find_server().set(database="").render_as_string(hide_password=False))
    else:
        print(app_url(find_server()).render_as_string(hide_password=False))


if __name__ == "__main__":
    main()
