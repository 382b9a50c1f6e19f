"""Case 9: bad input on the command line gets one line and a non-zero exit: impossible --since
dates, --set values of the wrong type (or no such setting), and `serve` on a port it cannot
have."""

from __future__ import annotations

import socket

import pytest
from crawl_helpers import write_sample_seed, zwgk

from archive.schema import connect


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "archive.db"
    connect(path).close()
    return path


def one_line_error(done, *phrases: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr[-2000:]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


@pytest.mark.parametrize("date", ["2024-13-45", "2024-02-30", "yesterday", "2024-1-5x"])
@pytest.mark.parametrize(
    "command",
    [["changes"], ["search", "乡村振兴"], ["export", "--format", "jsonl"]],
    ids=["changes", "search", "export"],
)
def test_an_impossible_since_date_is_refused(archive, command, date):
    done = zwgk(*command, "--since", date, "--db", str(archive))
    one_line_error(done, "--since", date)


def test_a_valid_since_date_or_time_is_accepted(archive):
    for since in ("2024-02-29", "2024-02-29T08:00:00+08:00", "2024-02-29T00:00:00Z"):
        done = zwgk("changes", "--since", since, "--db", str(archive))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith("nothing")


@pytest.mark.parametrize(
    ("setting", "phrase"),
    [
        ("DOWNLOAD_TIMEOUT=abc", "expected a number"),
        ("ROBOTSTXT_OBEY=maybe", "expected true or false"),
        ("CONCURRENT_REQUESTS=", "expected a number"),
        ("ITEM_PIPELINES=[1]", "expected a JSON object"),
        ("DOWNLOAD_TIMOUT=30", "no such Scrapy or zwgk setting"),
        ("=30", "expected NAME=VALUE"),
    ],
)
def test_a_bad_set_value_is_refused_before_crawling(tmp_path, setting, phrase):
    seeds = write_sample_seed(tmp_path / "seeds", "http://127.0.0.1:9")
    db = tmp_path / "archive.db"
    done = zwgk(
        "crawl", "--site", "sample", "--seeds", str(seeds), "--db", str(db), "--set", setting
    )
    one_line_error(done, phrase)
    assert not db.exists()


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_serve_refuses_an_impossible_port(archive, port):
    done = zwgk("serve", "--port", port, "--db", str(archive))
    one_line_error(done, "--port")


def test_serve_refuses_a_port_in_use(archive):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = zwgk("serve", "--port", str(port), "--db", str(archive))
    one_line_error(done, f"127.0.0.1:{port}")
