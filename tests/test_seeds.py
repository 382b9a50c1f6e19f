from pathlib import Path

import pytest

from crawler.exceptions import SeedError
from crawler.sites.seeds import find_site, load_seed, load_seeds, section_of, site_for_url

REPO_SEEDS = Path(__file__).resolve().parent.parent / "seeds"

GOOD = """
id = "fangcheng"
name = "方城县人民政府"
adcode = "411322"
start_urls = ["http://www.fangcheng.gov.cn/zwgk/index.html"]
allowed_domains = ["fangcheng.gov.cn"]

[politeness]
download_delay = 3
concurrency = 2

[schedule]
cron = "0 3 * * *"
"""


def write(tmp_path: Path, text: str, name: str = "fangcheng") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_seed_loads_into_frozen_config(tmp_path):
    site = load_seed(write(tmp_path, GOOD))
    assert site.id == "fangcheng" and site.adcode == "411322"
    assert site.start_urls == ("http://www.fangcheng.gov.cn/zwgk/index.html",)
    assert site.politeness.download_delay == 3 and site.politeness.concurrency == 2
    assert site.schedule.cron == "0 3 * * *" and site.schedule.timezone == "Asia/Shanghai"
    assert site.sections() == ("/zwgk/",)
    with pytest.raises(AttributeError):
        site.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("edit", "names"),
    [
        (lambda t: t + 'colour = "red"\n', ["colour", "unknown key"]),
        (lambda t: t.replace('name = "方城县人民政府"\n', ""), ["'name'", "missing"]),
        (
            lambda t: t.replace("http://www.fangcheng.gov.cn/zwgk/index.html", "ftp:/nowhere"),
            ["start_urls", "ftp:/nowhere"],
        ),
        (lambda t: t.replace('"411322"', '"41132"'), ["adcode", "41132"]),
        (lambda t: t.replace('"411322"', '"999999"'), ["adcode", "999999"]),
        (lambda t: t.replace("concurrency = 2", 'concurrency = "two"'), ["concurrency", "integer"]),
        (lambda t: t.replace("concurrency = 2", "concurrency = true"), ["concurrency"]),
        (lambda t: t.replace("[schedule]", "[schedule]\nwhen = 1"), ["schedule", "when"]),
        (lambda t: t.replace('cron = "0 3 * * *"', 'cron = "nightly"'), ["cron", "5 fields"]),
        (
            lambda t: t.replace('["fangcheng.gov.cn"]', '["example.org"]'),
            ["start_urls", "allowed_domains"],
        ),
        (lambda t: t + "[[[", ["invalid TOML"]),
    ],
)
def test_bad_seed_is_one_line_naming_file_and_key(tmp_path, edit, names):
    path = write(tmp_path, edit(GOOD))
    with pytest.raises(SeedError) as err:
        load_seed(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    for name in names:
        assert name in message


def test_file_name_must_match_id(tmp_path):
    with pytest.raises(SeedError, match="must match the file name"):
        load_seed(write(tmp_path, GOOD, name="other"))


def test_unknown_site_is_an_error(tmp_path):
    with pytest.raises(SeedError, match="no seed for site 'nope'"):
        find_site(tmp_path, "nope")


def test_repository_seeds_are_all_valid():
    sites = load_seeds(REPO_SEEDS)
    ids = {s.id for s in sites}
    assert "sample" in ids
    real = [s for s in sites if s.id != "sample"]
    assert len(real) >= 5, "ship a handful of real county seeds"
    assert all(s.start_urls[0].startswith("http") for s in real)


def test_section_and_site_lookup():
    assert section_of("http://h/zwgk/index.html") == "/zwgk/"
    assert section_of("http://h/zwgk/") == "/zwgk/"
    assert section_of("http://h") == "/"
    sites = load_seeds(REPO_SEEDS)
    assert site_for_url("http://127.0.0.1:9999/zwgk/x.html", sites).id == "sample"
    assert site_for_url("http://elsewhere.example/", sites) is None


def test_rebased_keeps_paths():
    site = load_seed(REPO_SEEDS / "sample.toml").rebased("http://127.0.0.1:40000")
    assert site.start_urls == ("http://127.0.0.1:40000/zwgk/index.html",)


def test_every_county_with_a_portal_has_a_seed():
    import csv

    from crawler.sites.importer import bundled_csv, site_id_for
    from crawler.sites.seeds import known_adcodes

    with bundled_csv().open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["portal_url"].strip() or r["zwgk_url"].strip()]
    assert len(rows) >= 2841
    valid = [r for r in rows if r["adcode"] in known_adcodes()]
    assert len(rows) - len(valid) == 4  # the retired 大兴安岭 codes
    seeds = {s.id: s for s in load_seeds(REPO_SEEDS)}
    for row in valid:
        site = seeds[site_id_for(row["adcode"], row["zwgk_url"].strip() or row["portal_url"])]
        assert site.detect == (not row["zwgk_url"].strip()), site.id
    assert sum(s.detect for s in seeds.values()) == sum(not r["zwgk_url"].strip() for r in valid)


def test_sites_import_writes_home_page_seeds_marked_detect(tmp_path):
    from crawl_helpers import zwgk

    done = zwgk("sites", "import", "--seeds", str(tmp_path))
    assert done.returncode == 0 and "4 row(s) skipped" in done.stdout, done.stderr[-2000:]
    written = sorted(tmp_path.glob("*.toml"))
    assert len(written) == len(list(REPO_SEEDS.glob("*.toml"))) - 1  # all but sample.toml
    home_only = load_seed(tmp_path / "110101-bjdch.toml")
    assert home_only.detect and home_only.start_urls == ("https://www.bjdch.gov.cn/",)
    assert (tmp_path / "110101-bjdch.toml").read_text("utf-8") == (
        REPO_SEEDS / "110101-bjdch.toml"
    ).read_text("utf-8")
