"""The only place SQL lives. One engine per process, pooled; writes go through transaction()."""
from db.errors import DatabaseUnavailable, DataRuleError, PermissionDenied
from db.core import (
    execute, fetch_all, fetch_one, read, run_in_transaction, scalar, transaction, transactional,
)

__all__ = [
    "DatabaseUnavailable", "DataRuleError", "PermissionDenied",
    "execute", "fetch_all", "fetch_one", "read", "run_in_transaction", "scalar", "transaction",
    "transactional",
]
