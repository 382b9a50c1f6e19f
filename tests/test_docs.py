"""The schema and the CLI are documented: a table, column or command nobody wrote down fails."""

import re
from pathlib import Path

import pytest

from archive.schema import connect
from crawler.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DOC = (ROOT / "docs" / "schema.md").read_text("utf-8")
README = (ROOT / "README.md").read_text("utf-8")


def documented_columns() -> dict[str, set[str]]:
    sections = re.split(r"^## ", SCHEMA_DOC, flags=re.M)[1:]
    found = {}
    for section in sections:
        name = section.split()[0]
        found[name] = set(re.findall(r"^\| (\w+) \|", section, flags=re.M)) - {"column"}
    return found


def test_every_table_and_column_is_documented(tmp_path):
    db = connect(tmp_path / "a.db")
    documented = documented_columns()
    names = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        if not r[0].startswith("search_index_")  # FTS5's own shadow tables (documented as internal)
    ]
    for name in names:
        assert name in documented, f"table {name} is not in docs/schema.md"
        columns = {r[1] for r in db.execute(f"PRAGMA table_info([{name}])")}
        assert columns == documented[name], f"{name}: columns differ from docs/schema.md"
    assert set(documented) == set(names), "docs/schema.md documents tables that do not exist"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_example_and_is_in_readme(name):
    command = cli.commands[name]
    assert command.help and "Example:" in command.help
    assert f"zwgk {name}" in README
