"""Case 8: seeds that are wrong are rejected when loaded, with one line naming the file and the
key: an empty allowed_domains, a cron the scheduler cannot read, an unknown time zone. A UTF-8
byte-order mark (as Windows Notepad writes) is fine."""

from __future__ import annotations

import pytest
from crawl_helpers import zwgk

from crawler.exceptions import SeedError
from crawler.sites.seeds import load_seed

SEED = """id = "411322-fangcheng"
name = "河南省南阳市方城县人民政府"
adcode = "411322"
start_urls = ["http://www.fangcheng.gov.cn/zwgk/index.html"]
{extra}
"""


def write(tmp_path, extra: str, bom: bool = False):
    folder = tmp_path / "seeds"
    folder.mkdir(exist_ok=True)
    path = folder / "411322-fangcheng.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + SEED.format(extra=extra).encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("allowed_domains = []", "allowed_domains"),
        ('[schedule]\ncron = "61 25 * * *"', "schedule.cron"),
        ('[schedule]\ncron = "0 2 * * 8"', "schedule.cron"),
        ('[schedule]\ncron = "*/0 * * * *"', "schedule.cron"),
        ('[schedule]\ntimezone = "Mars/Olympus"', "schedule.timezone"),
        ('[schedule]\ntimezone = ""', "schedule.timezone"),
    ],
)
def test_a_wrong_seed_is_rejected_naming_file_and_key(tmp_path, extra, key):
    path = write(tmp_path, extra)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and key in message and "\n" not in message
    db = tmp_path / "archive.db"
    done = zwgk("crawl", "--site", path.stem, "--seeds", str(path.parent), "--db", str(db))
    assert done.returncode == 1 and not db.exists()  # refused before anything started
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and key in errors[0] and str(path) in errors[0]
    assert "please report" not in done.stderr and "Traceback" not in done.stderr


def test_a_seed_with_a_byte_order_mark_loads(tmp_path):
    path = write(tmp_path, '[schedule]\ncron = "30 3 * * 1-5"\ntimezone = "Asia/Urumqi"', bom=True)
    site = load_seed(path)
    assert site.id == "411322-fangcheng" and site.schedule.timezone == "Asia/Urumqi"
    done = zwgk("schedule", "--list", "--seeds", str(path.parent))
    assert done.returncode == 0 and "411322-fangcheng" in done.stdout
