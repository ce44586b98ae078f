"""`manage.py cluster-up|cluster-down|cluster-status`: a 3-node MariaDB Galera cluster on loopback
(ops/cluster.py)."""
from __future__ import annotations

from ops import cluster


def register(subparsers) -> None:
    up = subparsers.add_parser(
        "cluster-up", help="start a 3-node MariaDB Galera cluster on loopback (data in .local/galera)",
        description="Start (creating on first use) three MariaDB Galera nodes on 127.0.0.1 from the installed "
                    "mariadb-server and galera-4 packages, and print the settings that point the app at them.")
    up.set_defaults(handler=cluster_up)
    down = subparsers.add_parser("cluster-down", help="stop the Galera nodes, one after the other")
    down.set_defaults(handler=cluster_down)
    status = subparsers.add_parser("cluster-status", help="each Galera node's state, cluster size and position")
    status.set_defaults(handler=cluster_status)


def _say(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def cluster_up(args) -> int:
    try:
        url = cluster.up(_say)
    except cluster.ClusterError as exc:
        _say(str(exc))
        return 1
    _say("3 nodes Synced. Point StreamSync at them (then `python reset_database.py --yes` loads the demo data):")
    print(f"  export STREAMSYNC_DB_URL={url.render_as_string(hide_password=False)}")
    print(f"  export STREAMSYNC_DB_HOSTS={cluster.hosts_setting()}")
    return 0


def cluster_down(args) -> int:
    try:
        cluster.down(_say)
    except cluster.ClusterError as exc:
        _say(str(exc))
        return 1
    return 0


def cluster_status(args) -> int:
    rows = cluster.status()
    columns = list(rows[0])
    widths = [max(len(c), *(len(r[c]) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(row[c].ljust(w) for c, w in zip(columns, widths, strict=True)))
    return 0 if all(r["state"] == "Synced" for r in rows) else 1
