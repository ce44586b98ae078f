"""A 3-node MariaDB Galera cluster on loopback (`manage.py cluster-up|down|status`), from the installed
mariadb-server and galera-4 packages: each node has its own data directory, socket, log and ports under
.local/galera/node<N> (ignored by git), root logs in over TCP without a password, as with the private
server of scripts/dbserver.py. The machine's own MariaDB on 3306 is never touched.

Ports of node N (1..3), from the base port B (default 4306, STREAMSYNC_CLUSTER_PORT):
SQL B+N-1; group communication 4567+10(N-1); incremental state transfer (IST) that +1; full state transfer
(SST, rsync) 4444+10(N-1).

Starting: the node that may bootstrap (grastate.dat's safe_to_bootstrap, or else the most advanced position
by `mariadbd --wsrep-recover`) starts a new cluster, the others join it. A node killed and started again
rejoins by IST or SST. Stopping: one node after the other, so the last one stopped may bootstrap next time.
"""
from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template

import mysql.connector
from sqlalchemy.engine import URL, make_url

from db import cluster as galera
from db import config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLUSTER_DIR = PROJECT_ROOT / ".local" / "galera"
NODE_TEMPLATE = PROJECT_ROOT / "deploy" / "galera-node.cnf.template"
PROVIDERS = ("/usr/lib/galera/libgalera_smm.so", "/usr/lib/libgalera_smm.so", "/usr/lib64/galera-4/libgalera_smm.so")
APT_INSTALL = ["apt-get", "install", "-y", "mariadb-server", "galera-4", "rsync"]
NODES = 3
STARTUP_SECONDS = 120  # a joiner may need a full state transfer first
DATABASE = "streamsync"


class ClusterError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass(frozen=True)
class Node:
    number: int
    base_port: int

    @property
    def name(self) -> str:
        return f"node{self.number}"

    @property
    def port(self) -> int:
        return self.base_port + self.number - 1

    @property
    def gcomm_port(self) -> int:
        return 4567 + 10 * (self.number - 1)

    @property
    def home(self) -> Path:
        return CLUSTER_DIR / self.name

    @property
    def datadir(self) -> Path:
        return self.home / "data"

    @property
    def cnf(self) -> Path:
        return self.home / "my.cnf"

    @property
    def pid_file(self) -> Path:
        return self.home / "mariadbd.pid"

    @property
    def log(self) -> Path:
        return self.home / "error.log"

    @property
    def socket(self) -> Path:
        # A Unix socket path must be short: under /tmp when the checkout's path is long.
        path = self.home / "mariadbd.sock"
        return path if len(str(path)) < 100 else Path("/tmp") / f"streamsync-galera-{self.port}.sock"

    def url(self, database: str = "") -> URL:
        return make_url(f"mysql+mysqlconnector://root@127.0.0.1:{self.port}/{database}").update_query_dict(
            config.REQUIRED_QUERY)


def base_port() -> int:
    return int(os.environ.get("STREAMSYNC_CLUSTER_PORT", "4306"))


def nodes() -> list[Node]:
    return [Node(n, base_port()) for n in range(1, NODES + 1)]


def hosts_setting() -> str:
    """The value of STREAMSYNC_DB_HOSTS that lets the app fail over between the nodes."""
    return ",".join(f"127.0.0.1:{node.port}" for node in nodes())


def app_url(database: str = DATABASE) -> URL:
    """The app's STREAMSYNC_DB_URL on node 1 (the connection adds charset and collation itself)."""
    return make_url(f"mysql+mysqlconnector://root@127.0.0.1:{nodes()[0].port}/{database}")


def _binary(*names: str) -> str | None:
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/usr/local/sbin"])
    return next((found for name in names if (found := shutil.which(name, path=search))), None)


def _provider() -> str | None:
    return next((p for p in PROVIDERS if Path(p).exists()), None)


def ensure_packages(install: bool = True) -> tuple[str, str, str]:
    """mariadbd, mariadb-install-db and the Galera provider; installed from Debian when root with apt-get."""
    found = (_binary("mariadbd"), _binary("mariadb-install-db", "mysql_install_db"), _provider())
    if all(found) and _binary("rsync"):
        return found  # type: ignore[return-value]
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        subprocess.run([*APT_INSTALL, "-q"], env=env, check=False)
        return ensure_packages(install=False)
    raise ClusterError(f"a Galera cluster needs mariadb-server, galera-4 and rsync: sudo {' '.join(APT_INSTALL)}")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def pid(node: Node) -> int | None:
    try:
        found = int(node.pid_file.read_text().strip())
        os.kill(found, 0)
        return found
    except (OSError, ValueError):
        return None


def wsrep_status(node: Node) -> dict[str, str] | None:
    """The node's wsrep_* status variables, or None when it does not answer."""
    if not _answers(node.port):
        return None
    try:
        # The driver itself, not an engine: SQLAlchemy's first connect rolls back, which a node that is not
        # yet ready refuses, and this must answer exactly then.
        conn = mysql.connector.connect(host="127.0.0.1", port=node.port, user="root", connection_timeout=3)
    except mysql.connector.Error:
        return None
    try:
        return galera.wsrep_status(conn)
    except mysql.connector.Error:
        return None
    finally:
        conn.close()


def synced(node: Node) -> bool:
    status = wsrep_status(node)
    return bool(status) and status.get("wsrep_ready") == "ON" and status.get("wsrep_local_state_comment") == "Synced"


def run_as() -> str:
    """The nodes' user. As root: Debian's `mysql` user, as its own MariaDB runs, because the rsync state
    transfer's daemon started by root drops to `nobody`, who cannot enter a data directory only root may;
    as anyone else: that user."""
    if os.geteuid() == 0:
        try:
            return pwd.getpwnam("mysql").pw_name
        except KeyError:
            return "root"
    return pwd.getpwuid(os.geteuid()).pw_name


def _own(path: Path, user: str) -> None:
    shutil.chown(path, user, user)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            shutil.chown(Path(root) / name, user, user)


def _write_config(node: Node, provider: str) -> None:
    peers = ",".join(f"127.0.0.1:{other.gcomm_port}" for other in nodes())
    node.home.mkdir(parents=True, exist_ok=True)
    node.cnf.write_text(Template(NODE_TEMPLATE.read_text()).substitute(
        datadir=node.datadir, socket=node.socket, pid_file=node.pid_file, log_error=node.log, port=node.port,
        bind_address="127.0.0.1", user=run_as(), buffer_pool="96M",
        provider=provider, cluster_name="streamsync", peers=peers, node_name=node.name,
        gcomm_port=node.gcomm_port, ist_port=node.gcomm_port + 1, sst_port=4444 + 10 * (node.number - 1)))


def _initialize(node: Node, install_db: str) -> None:
    partial = node.home / "data.partial"
    shutil.rmtree(partial, ignore_errors=True)
    done = subprocess.run(
        [install_db, "--no-defaults", f"--datadir={partial}", f"--user={run_as()}",
         "--auth-root-authentication-method=normal", "--skip-test-db"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if done.returncode != 0:
        raise ClusterError(f"initialising {node.name}'s data failed:\n{done.stdout[-2000:]}")
    partial.rename(node.datadir)
    _own(node.home, run_as())


def _grastate(node: Node) -> dict[str, str]:
    path = node.datadir / "grastate.dat"
    if not path.exists():
        return {}
    return dict(re.findall(r"^(\w+):\s*(\S*)", path.read_text(), re.MULTILINE))


def _recovered_seqno(node: Node, server: str) -> int:
    """The last committed position of a node that crashed (grastate.dat says -1 then)."""
    seqno = int(_grastate(node).get("seqno", "-1") or -1)
    if seqno >= 0:
        return seqno
    done = subprocess.run([server, f"--defaults-file={node.cnf}", "--wsrep-recover", f"--log-error={node.home / 'recover.log'}"],
                          capture_output=True, text=True, check=False, timeout=120)
    found = re.findall(r"Recovered position: [0-9a-f-]+:(-?\d+)", (node.home / "recover.log").read_text(errors="replace"))
    return int(found[-1]) if found and done.returncode == 0 else -1


def _bootstrap_node(server: str) -> Node:
    """The node that may start a new cluster: the one marked safe to bootstrap (the last one stopped
    cleanly), else the most advanced one, which is then marked so."""
    candidates = [n for n in nodes() if (n.datadir / "grastate.dat").exists()]
    if not candidates:
        return nodes()[0]
    safe = [n for n in candidates if _grastate(n).get("safe_to_bootstrap") == "1"]
    if safe:
        return safe[0]
    best = max(candidates, key=lambda n: _recovered_seqno(n, server))
    path = best.datadir / "grastate.dat"
    path.write_text(re.sub(r"safe_to_bootstrap:\s*\d", "safe_to_bootstrap: 1", path.read_text()))
    return best


def start_node(node: Node, server: str, new_cluster: bool = False, wait: bool = True) -> int:
    """Start one node in the background (a session of its own: it outlives the command); return its pid."""
    running = pid(node)
    if running:
        return running
    node.pid_file.unlink(missing_ok=True)
    node.socket.unlink(missing_ok=True)
    command = [server, f"--defaults-file={node.cnf}"] + (["--wsrep-new-cluster"] if new_cluster else [])
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, cwd=node.home)
    deadline = time.monotonic() + STARTUP_SECONDS
    while wait and not synced(node):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = node.log.read_text(errors="replace").splitlines()[-15:] if node.log.exists() else []
            raise ClusterError(f"{node.name} did not reach Synced on 127.0.0.1:{node.port}; its log ({node.log}):\n"
                               + "\n".join(tail))
        time.sleep(0.5)
    return process.pid


def up(say: Callable[[str], None] = print) -> URL:
    """Start the three nodes (creating their data the first time) and return the app's URL on node 1."""
    server, install_db, provider = ensure_packages()
    for node in nodes():
        if not pid(node) and _answers(node.port):
            raise ClusterError(f"port {node.port} for {node.name} is taken by another server")
        _write_config(node, provider)
        if not (node.datadir / "mysql").is_dir():
            say(f"initialising {node.name} in {node.datadir.relative_to(PROJECT_ROOT)}")
            _initialize(node, install_db)
    running = [n for n in nodes() if pid(n) and synced(n)]
    first = running[0] if running else _bootstrap_node(server)
    if not running:
        say(f"bootstrapping a new cluster from {first.name} (127.0.0.1:{first.port})")
        start_node(first, server, new_cluster=True)
    for node in nodes():
        if not pid(node):
            say(f"starting {node.name} on 127.0.0.1:{node.port}; it joins the cluster")
            start_node(node, server)
    return app_url()


def start_one(number: int) -> None:
    """Start node `number` again (after a crash): it rejoins the running cluster."""
    server, _, _ = ensure_packages(install=False)
    start_node(nodes()[number - 1], server)


def kill_node(number: int) -> int | None:
    """SIGKILL node `number` (the cluster test's crash)."""
    found = pid(nodes()[number - 1])
    if found:
        os.kill(found, signal.SIGKILL)
    return found


def down(say: Callable[[str], None] = print) -> None:
    """Stop the nodes one after the other (the last one stopped is the one safe to bootstrap next time)."""
    for node in reversed(nodes()):
        found = pid(node)
        if not found:
            continue
        os.kill(found, signal.SIGTERM)
        deadline = time.monotonic() + 120
        while pid(node) and time.monotonic() < deadline:
            time.sleep(0.25)
        if pid(node):
            raise ClusterError(f"{node.name} (pid {found}) did not stop within 120 s")
        say(f"stopped {node.name}")


def status() -> list[dict[str, str]]:
    rows = []
    for node in nodes():
        found = wsrep_status(node)
        rows.append({
            "node": node.name, "address": f"127.0.0.1:{node.port}", "pid": str(pid(node) or "-"),
            "state": (found or {}).get("wsrep_local_state_comment", "down" if not pid(node) else "not answering"),
            "cluster size": (found or {}).get("wsrep_cluster_size", "-"),
            "component": (found or {}).get("wsrep_cluster_status", "-"),
            "last committed": (found or {}).get("wsrep_last_committed", "-"),
        })
    return rows
