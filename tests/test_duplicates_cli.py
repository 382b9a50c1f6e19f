"""Near-duplicates end to end: the writer assigns clusters at write time, `zwgk duplicates` and
the read API show them."""

from __future__ import annotations

from pathlib import Path

from crawl_helpers import zwgk

from archive import read
from archive.writer import ArchiveWriter, FetchRecord, SiteRecord
from crawler.extract.extractor import Extracted
from crawler.text import dedup
from crawler.text.dedup import document_content
from crawler.text.normalise import Normaliser

TEXT = (
    Path(__file__).resolve().parent.parent / "crawler/sample_portal/texts/003_f84413ca2bb7db7d.txt"
).read_text("utf-8")
BODY = "\n".join(line for line in TEXT.splitlines()[4:40] if line.strip())


def extracted(url: str, text: str, title: str = "2021年政府工作报告") -> Extracted:
    return Extracted(
        url,
        title,
        text,
        "2021-11-24",
        "2021-11-24",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        {},
        (),
    )


def write(db: Path, site: str, url: str, text: str) -> None:
    writer = ArchiveWriter(db)
    writer.upsert_site(SiteRecord(site, site, "411322", (url,), ("h",)))
    run = writer.start_run(site, "manual", "test")
    normalised = Normaliser().normalise(text)
    doc = document_content(
        url, extracted(url, text), normalised, dedup.sketch(normalised.text_norm)
    )
    writer.record_page(run, FetchRecord(site, url, url, "document", 200, {}, text.encode()), doc)
    writer.finish_run(run, "finished", "finished")
    writer.close()


def test_republished_report_clusters_and_a_short_notice_does_not(tmp_path):
    db = tmp_path / "a.db"
    write(db, "county", "http://county/zwgk/t1.html", BODY)
    # a township republishes it: another header line, an added attachment line, fullwidth spacing
    copy = (
        "转发：双胜镇人民政府文件\n"
        + BODY.replace("，", " ， ")
        + "\n附件：2021年政府工作报告.docx"
    )
    write(db, "town", "http://town/xxgk/t9.html", copy)
    write(db, "town", "http://town/xxgk/other.html", "关于召开全镇安全生产工作会议的通知。")
    write(db, "county", "http://county/zwgk/t2.html", "关于召开全镇安全生产工作会议的通知！")
    with read.open_archive(db) as arc:
        cluster = arc.cluster_of("http://county/zwgk/t1.html")
        assert cluster is not None
        assert {m["url"] for m in cluster["members"]} == {
            "http://county/zwgk/t1.html",
            "http://town/xxgk/t9.html",
        }
        assert arc.cluster_of("http://town/xxgk/other.html") is None  # too short to cluster
        assert len(arc.duplicate_clusters("town")) == 1
    done = zwgk("duplicates", "--db", str(db))
    assert done.returncode == 0
    assert "http://town/xxgk/t9.html" in done.stdout and "1 cluster(s)" in done.stdout
