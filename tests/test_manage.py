"""manage.py: one entry point for admin tasks; each subcommand has --help, and `check` tells the truth."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from db import migrations, scalar
from db.config import PROJECT_ROOT


def _manage(*args: str, url=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if url is not None:
        env["STREAMSYNC_DB_URL"] = url.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", ["migrate", "reset", "check"])
def test_every_command_explains_itself(command):
    result = _manage(command, "--help")
    assert result.returncode == 0
    assert f"usage: manage.py {command}" in result.stdout


def test_check_reports_configuration_server_schema_rows_and_connector(demo_db):
    result = _manage("check", url=demo_db)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "the environment variable STREAMSYNC_DB_URL" in out
    assert f"schema         at head {migrations.head()}" in out
    assert "CMySQLConnection" in out
    assert "pool           size 5" in out
    users = next(line for line in out.splitlines() if line.strip().startswith("users "))
    assert int(users.split()[-1].replace(",", "")) == scalar("SELECT COUNT(*) FROM users")


def test_check_says_what_is_wrong_when_the_server_is_not_there():
    from sqlalchemy.engine import make_url

    result = _manage("check", url=make_url("mysql+mysqlconnector://root@127.0.0.1:1/nowhere"))
    assert result.returncode == 1
    assert "problem" in result.stdout and "127.0.0.1:1" in result.stdout


def test_check_names_pending_migrations(scratch_url):
    url = scratch_url("manage_pending")
    from db import schema

    schema.create_database_if_missing(url)
    migrations.upgrade_url(url, migrations.FIRST_REVISION)
    result = _manage("check", url=url)
    assert result.returncode == 1
    assert "run `python manage.py migrate`" in result.stdout
