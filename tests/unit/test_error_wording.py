"""How a server's refusal reads, and which kind of DataRuleError it becomes (db.errors): no server needed, the
messages are the servers' own texts."""
import pytest

from db.errors import (
    Busy,
    Conflict,
    DataRuleError,
    Invalid,
    NotFound,
    is_unavailable,
    readable,
    readable_error,
)


def test_the_kinds_are_data_rule_errors_so_old_handlers_still_catch_them():
    for kind in (NotFound, Conflict, Invalid, Busy):
        assert issubclass(kind, DataRuleError)
    assert Invalid("A title may not be empty.", "title").field == "title"


@pytest.mark.parametrize("errno, server, kind, message", [
    (1062, "Duplicate entry 'asha@example.com' for key 'uq_users_email'", Conflict,
     "'asha@example.com' is already taken (users email)."),
    (1062, "Duplicate entry '7-3' for key 'PRIMARY'", Conflict, "A row with the key '7-3' already exists."),
    (1452, "Cannot add or update a child row: a foreign key constraint fails", NotFound,
     "That refers to a row that does not exist (a title, person, user or genre was not found)."),
    (1451, "Cannot delete or update a parent row", Conflict,
     "Other rows still point to this one, so it cannot be deleted or changed."),
    (4025, "CONSTRAINT `ck_reviews_rating` failed for `x`.`reviews`", Invalid,
     "A rating is a whole number from 1 to 10."),
    (1406, "Data too long for column 'title' at row 1", Invalid, "The value for title is too long."),
    (1048, "Column 'name' cannot be null", Invalid, "name may not be empty."),
    (1644, "Episodes can only belong to a Series, not to a Movie.", DataRuleError,
     "Episodes can only belong to a Series, not to a Movie."),
])
def test_each_refusal_names_its_cause_in_words(errno, server, kind, message):
    assert readable(errno, server) == message
    error = readable_error(errno, server)
    assert type(error) is kind and str(error) == message and error.errno == errno


def test_an_invalid_value_names_its_field():
    assert readable_error(4025, "CONSTRAINT `ck_users_email` failed").field == "email"
    assert readable_error(1406, "Data too long for column 'description' at row 1").field == "description"


def test_an_unknown_refusal_still_says_what_the_server_said():
    assert readable(9999, "something odd") == "The database refused the change: something odd"


class _Orig(Exception):
    def __init__(self, errno):
        super().__init__("x")
        self.errno = errno


class _Wrapped(Exception):
    def __init__(self, errno, invalidated=False):
        super().__init__("x")
        self.orig, self.connection_invalidated = _Orig(errno), invalidated


def test_one_decision_says_whether_the_database_is_unavailable():
    assert all(is_unavailable(_Wrapped(n)) for n in (1044, 1045, 1049, 2002, 2003, 2005, 2006, 2013, 2055))
    assert is_unavailable(_Wrapped(None, invalidated=True))
    assert not is_unavailable(_Wrapped(1062)) and not is_unavailable(_Wrapped(1213))
