"""Repositories: the only place SQL lives. db.engine holds the Database (one per process by default, pooled);
writes go through transaction(actor). Nothing here imports core/."""
from db.engine import (
    Database,
    execute,
    fetch_all,
    fetch_one,
    read,
    run_in_transaction,
    scalar,
    transaction,
    transactional,
    use,
)
from db.errors import Busy, Conflict, DatabaseUnavailable, DataRuleError, Invalid, NotFound, PermissionDenied

__all__ = [
    "Busy", "Conflict", "DataRuleError", "Database", "DatabaseUnavailable", "Invalid", "NotFound", "PermissionDenied",
    "execute", "fetch_all", "fetch_one", "read", "run_in_transaction", "scalar", "transaction", "transactional", "use",
]
