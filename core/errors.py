"""The typed errors pages and ui/ branch on (defined in db.errors, where the connection layer raises them)."""
from db.errors import (
    Busy,
    Conflict,
    DatabaseUnavailable,
    DataRuleError,
    Invalid,
    NotFound,
    PermissionDenied,
)

__all__ = ["Busy", "Conflict", "DataRuleError", "DatabaseUnavailable", "Invalid", "NotFound", "PermissionDenied"]
