"""db.schema.split_statements: the DDL files are split as the mysql client splits them."""
from db.schema import FIRST_SCHEMA_FILES, SQL_DIR, first_schema_statements, split_statements


def test_statements_split_on_semicolons_and_comments_between_them_go():
    script = "-- a comment\nCREATE TABLE a (x INT);\n\n-- another\nCREATE TABLE b (y INT);\n"
    assert split_statements(script) == ["CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"]


def test_a_delimiter_block_keeps_a_trigger_body_whole():
    script = """DELIMITER //
CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW
BEGIN
  SET NEW.x = 1;
  SET NEW.y = 2;
END//
DELIMITER ;
SELECT 1;"""
    body, select = split_statements(script)
    assert body.startswith("CREATE TRIGGER t") and body.endswith("END") and "SET NEW.y = 2;" in body
    assert select == "SELECT 1"


def test_a_last_statement_without_a_delimiter_is_kept():
    assert split_statements("SELECT 1;\nSELECT 2") == ["SELECT 1", "SELECT 2"]


def test_the_shipped_schema_splits_into_whole_statements():
    statements = first_schema_statements()
    text = "".join((SQL_DIR / name).read_text() for name in FIRST_SCHEMA_FILES)
    assert all(s and not s.startswith("--") and not s.upper().startswith("DELIMITER") for s in statements)
    assert sum(s.startswith("CREATE TRIGGER") for s in statements) == text.count("CREATE TRIGGER")
