"""What a MariaDB Galera node says about itself (ops/cluster.py and the multi-host connect use it). These
take a DBAPI connection: they run while SQLAlchemy is still opening one, and on nodes not yet ready."""
from __future__ import annotations


def _pairs(dbapi_connection, sql: str) -> dict[str, str]:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return {str(name): str(value) for name, value in cursor.fetchall()}
    finally:
        cursor.close()


def wsrep_status(dbapi_connection) -> dict[str, str]:
    """The wsrep_* status variables (state, cluster size, position)."""
    return _pairs(dbapi_connection, "SHOW GLOBAL STATUS LIKE 'wsrep%'")


def is_galera(dbapi_connection) -> bool:
    """The server is a node of a MariaDB Galera cluster (wsrep_on; MySQL has no such variable)."""
    return _pairs(dbapi_connection, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'").get("wsrep_on") == "ON"


def ready(dbapi_connection) -> bool:
    """True unless the server is a Galera node outside the primary component (it would refuse queries with
    error 1047 "WSREP has not yet prepared node for application use"). A server without Galera (wsrep_on
    OFF on MariaDB, no such variable on MySQL) is ready."""
    if not is_galera(dbapi_connection):
        return True
    return wsrep_status(dbapi_connection).get("wsrep_ready") == "ON"

