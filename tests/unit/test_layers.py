"""The shape of the code base: imports go one way (app_pages -> ui -> core -> db), and tests pick their
database with db.engine.use(), never through the environment. Read from the source, no server needed."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported(source: str) -> set[str]:
    """Every module an import statement names (`from a import b` names a and a.b: b may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offenders(folder: str, forbidden: str) -> list[str]:
    """'file: module' for every import of `forbidden` (or a submodule) in the folder's Python files."""
    found = []
    for path in sorted((ROOT / folder).glob("*.py")) if folder else [ROOT / "streamlit_app.py"]:
        for name in sorted(imported(path.read_text())):
            if name == forbidden or name.startswith(forbidden + "."):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


def test_the_import_reader_sees_every_form_of_import():
    assert imported("import core\nfrom core.search import Filters\nfrom core import permissions as p") == {
        "core", "core.search", "core.search.Filters", "core.permissions"}
    assert imported("from . import x") == set()  # relative imports do not name a top-level package


def test_no_module_under_db_imports_core():
    assert offenders("db", "core") == []


def test_only_core_opens_transactions():
    # Repositories take the caller's connection; the service decides what one unit of work holds.
    opening = {"db.engine.transactional", "db.engine.run_in_transaction", "db.engine.transaction",
               "db.transactional", "db.run_in_transaction", "db.transaction"}
    found = [f"{path.relative_to(ROOT)}: {name}" for path in sorted((ROOT / "db").glob("*.py"))
             if path.name not in ("engine.py", "__init__.py")
             for name in sorted(imported(path.read_text()) & opening)]
    assert found == []


def test_core_and_db_never_import_streamlit():
    assert offenders("core", "streamlit") == [] and offenders("db", "streamlit") == []


def test_pages_and_ui_reach_the_database_only_through_core():
    assert offenders("app_pages", "db") == []
    assert offenders("ui", "db") == []
    assert offenders("", "db") == []  # streamlit_app.py


def test_ui_never_imports_a_page():
    assert offenders("ui", "app_pages") == []


def environ_writes(source: str) -> list[str]:
    """Each place the source changes the process environment: os.environ[...] = ..., del os.environ[...],
    os.environ.update/setdefault/pop/clear(...), os.putenv(...), monkeypatch.setenv/delenv(...). Building a
    dict for a subprocess (`env = {**os.environ, ...}`) changes nothing and is not reported."""
    found = []

    def is_environ(node) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        if any(isinstance(t, ast.Subscript) and is_environ(t.value) for t in targets):
            found.append(f"line {node.lineno}: os.environ[...] changed")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if is_environ(func.value) and func.attr in ("update", "setdefault", "pop", "clear", "__setitem__"):
                found.append(f"line {node.lineno}: os.environ.{func.attr}()")
            if func.attr in ("putenv", "unsetenv", "setenv", "delenv"):
                found.append(f"line {node.lineno}: {func.attr}()")
    return found


def test_the_environment_reader_sees_each_kind_of_write():
    assert len(environ_writes("import os\nos.environ['STREAMSYNC_DB_URL'] = 'x'")) == 1
    assert len(environ_writes("os.environ.update(STREAMSYNC_DB_URL='x')")) == 1
    assert len(environ_writes("def t(monkeypatch):\n    monkeypatch.setenv('STREAMSYNC_DB_URL', 'x')")) == 1
    assert environ_writes("env = {**os.environ, 'STREAMSYNC_DB_URL': 'x'}\nos.environ.get('A')") == []


def test_no_test_writes_the_environment_to_pick_a_database():
    written = {str(path.relative_to(ROOT)): environ_writes(path.read_text())
               for path in sorted((ROOT / "tests").rglob("*.py"))}
    assert {path: lines for path, lines in written.items() if lines} == {}


def test_page_files_are_named_only_in_the_page_registry():
    """Links and switches name a page through ui.navigation.path(); its file appears in the registry only."""
    found = [f"{path.relative_to(ROOT)}:{n}" for folder in ("app_pages", "ui", "core")
             for path in sorted((ROOT / folder).glob("*.py")) if path.name != "navigation.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if '"app_pages/' in line]
    assert found == []


def test_no_test_module_imports_another_and_no_fixture_is_imported():
    """Shared fixtures live in conftest.py, shared helpers in modules that are not tests (tests/*_helpers.py,
    tests/apptest.py, tests/browser/helpers.py); nothing imports a test module or a conftest, and no import is
    kept alive with a noqa (the sign of a fixture imported by name)."""
    found, marker = [], "noqa" + ": F401"  # (spelt so that this file does not match itself)
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text()
        for name in imported(text):
            last = name.split(".")
            if any(part.startswith("test_") or part == "conftest" for part in last[1:]) and last[0] == "tests":
                found.append(f"{path.relative_to(ROOT)}: imports {name}")
        found += [f"{path.relative_to(ROOT)}:{n}: noqa F401" for n, line in enumerate(text.splitlines(), 1)
                  if marker in line]
    assert found == []


def test_benchmarks_import_the_project_not_its_tests():
    assert offenders("benchmarks", "tests") == []
