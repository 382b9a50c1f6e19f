"""`zwgk serve`: the archive in Datasette, read-only, with descriptions, canned queries, facets.

Table and column descriptions come from docs/schema.md (the schema's one documentation, shipped
in the `archive` package as `schema.md`), so what a reader sees in Datasette is what the schema
promises. The indicators (crawler/report/canned.py) come as canned queries `indicator_*` and as
the charts of a datasette-dashboards dashboard at /-/dashboards/indicators (Vega-Lite bundled
with the plugin: nothing is fetched from the network).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from archive.search import search_sql
from crawler.report.canned import canned_queries, dashboard

CANNED = {
    "search": {
        "title": "Search documents, newest first (any length: 低保, 乡村振兴; simplified script)",
        "sql": search_sql(limit="100"),
    },
    "search_short": {
        "title": "Search documents (the same query as `search`, kept for old links)",
        "sql": search_sql(limit="100"),
    },
    "latest_of_site": {
        "title": "Latest documents of a site",
        "sql": "SELECT url, title, publish_date, publisher, index_no, doc_no, status, last_seen "
        "FROM latest_documents WHERE site_id = :site ORDER BY publish_date DESC LIMIT 200",
    },
    "changed_this_week": {
        "title": "New, changed and deleted documents in the last 7 days",
        "sql": "SELECT e.at, e.event, e.reason, d.url, d.site_id FROM events e "
        "JOIN documents d ON d.id = e.document_id WHERE e.at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7 days') "
        "ORDER BY e.at DESC",
    },
    "deleted": {
        "title": "Deleted and unlisted documents, with evidence",
        "sql": "SELECT * FROM deleted_documents ORDER BY deleted_at DESC",
    },
}


def schema_descriptions(text: str) -> dict[str, dict]:
    """{table: {"description": …, "columns": {column: meaning}}} from docs/schema.md."""
    tables: dict[str, dict] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        name = heading.split()[0]
        intro = body.strip().split("\n\n")[0].replace("\n", " ")
        columns = {
            m[1]: m[3]
            for m in re.finditer(r"^\| (\w+) \| ([^|]*) \| (.*) \|$", body, flags=re.M)
            if m[1] != "column"
        }
        tables[name] = {"description": intro, "columns": columns}
    return tables


def metadata(db_name: str) -> dict:
    tables = schema_descriptions(
        resources.files("archive").joinpath("schema.md").read_text("utf-8")
    )
    tables.setdefault("latest_documents", {})["facets"] = [
        "site_id",
        "publisher",
        "category",
        "status",
    ]
    tables.setdefault("documents", {})["facets"] = ["site_id", "status"]
    return {
        "title": "zwgk archive",
        "description": "政务公开 pages archived by zwgk: documents, their versions, deletions and captures.",
        "about": "zwgk",
        "databases": {db_name: {"tables": tables, "queries": {**CANNED, **canned_queries()}}},
        "plugins": {"datasette-dashboards": dashboard(db_name)},
    }


def datasette_command(
    db_path: str, metadata_path: str, plugins_dir: str, host: str, port: int, immutable: bool
) -> list[str]:
    """The Datasette command line: the archive read-only (`-i` immutable when nothing writes it,
    else read through `mode=ro` while crawls write), with the read-only plugin."""
    database = ["-i", db_path] if immutable else [db_path]
    return ["datasette", "serve", *database, "--metadata", metadata_path, "--plugins-dir", plugins_dir,
            "--host", host, "--port", str(port),
            "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "3000"]  # fmt: skip


def write_plugin(db_path: str, folder: Path) -> Path:
    """The read-only plugin (crawler/cli/datasette_readonly.py), bound to this archive's name."""
    source = resources.files("crawler.cli").joinpath("datasette_readonly.py").read_text("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "zwgk_readonly.py"
    out.write_text(source.replace("@@DATABASE@@", Path(db_path).stem), encoding="utf-8")
    return folder


def write_metadata(db_path: str, out: Path) -> Path:
    out.write_text(
        json.dumps(metadata(Path(db_path).stem), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return out
