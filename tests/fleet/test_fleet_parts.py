"""The fleet's parts on their own, against a real Valkey server and real SQLite files: the
journal's records, host leases, the job queue, the state snapshot a worker crawls from."""

from __future__ import annotations

from archive.read import Archive
from archive.writer import (
    ArchiveWriter,
    ColumnRef,
    DocumentContent,
    FetchRecord,
    Gone,
    RedirectHop,
    SiteRecord,
)
from crawler.fleet import journal
from crawler.fleet.lease import HostLeases
from crawler.fleet.queue import Job, JobQueue, connect
from crawler.fleet.shard import read_info, snapshot_state


def test_journal_records_come_back_equal():
    fetch = FetchRecord(
        "s", "http://h/a", "http://h/a?x", "document", 200, {"ETag": '"1"'}, b"\x00\xff",
        redirects=(RedirectHop("http://h/b", 302, "/a", {"A": "1"}),),
    )  # fmt: skip
    doc = DocumentContent(
        "http://h/a", "正文", "正文", "ab" * 32, False, "x", metadata={"$not": "a tag"},
        attachments=({"url": "http://h/f.pdf", "name": "附件"},), minhash=b"\x01\x02",
        minhash_bands=(1, 2),
    )  # fmt: skip
    args = {"fetch": fetch, "doc": doc, "listed": ("u1", "u2"), "gone": Gone("HTTP 404")}
    assert journal.decode(journal.encode(args)) == args


def test_a_host_is_leased_to_one_owner_and_cools_down_after(valkey):
    leases = HostLeases(connect(valkey.url), "t")
    assert leases.take(["a.gov.cn", "b.gov.cn"], "w1 j1", 10_000)
    assert not leases.take(["b.gov.cn", "c.gov.cn"], "w2 j2", 10_000)  # all or none
    assert leases.holders(["c.gov.cn"]) == {}
    assert leases.renew(["a.gov.cn", "b.gov.cn"], "w1 j1", 10_000)
    assert not leases.renew(["a.gov.cn"], "w2 j2", 10_000)
    leases.release(["a.gov.cn", "b.gov.cn"], "w2 j2", 500)  # not w2's: nothing happens
    assert leases.holders(["a.gov.cn"])["a.gov.cn"][0] == "w1 j1"
    leases.release(["a.gov.cn", "b.gov.cn"], "w1 j1", 60_000)
    holder, left = leases.holders(["a.gov.cn"])["a.gov.cn"]
    assert holder == "cooldown" and 0 < left <= 60_000
    assert not leases.take(["a.gov.cn"], "w2 j2", 10_000)  # not before the delay passed
    assert sorted(leases.all()) == ["a.gov.cn", "b.gov.cn"]


def job(site: str, job_id: str) -> Job:
    return Job(job_id, site, "id = 'x'", f"seeds/{site}.toml", ("h",), 0.5, enqueued_at="t")


def test_the_queue_hands_a_job_to_one_worker_and_a_dead_workers_job_to_another(valkey):
    queue = JobQueue(connect(valkey.url), "t")
    assert queue.add(job("a", "1-a-x"))
    assert queue.add(job("a", "2-a-y")) is None  # one outstanding job per site
    assert queue.add(job("b", "1-b-x"))
    assert queue.counts() == (2, 0)
    taken = queue.take("w1", 100)
    assert taken == job("a", "1-a-x") and queue.counts() == (1, 1)
    assert queue.reclaim("w2", 60_000) is None  # w1 touched it just now
    assert queue.touch("w1", taken)
    again = queue.reclaim("w2", 0)  # as if w1 had stopped touching it a lease ago
    assert again == taken and again.entry == taken.entry
    assert [(j.id, worker) for j, worker, _ in queue.running()] == [("1-a-x", "w2")]
    queue.finish(again)
    assert queue.is_done(again) and queue.outstanding() == {"b": "1-b-x"}
    moved = queue.requeue(queue.take("w1", 100))  # its host was busy: to the end of the queue
    assert queue.counts() == (1, 0) and [j.id for j in queue.queued()] == [moved.id]


def test_the_state_snapshot_holds_one_sites_slice_with_its_validators(tmp_path):
    db = tmp_path / "archive.db"
    writer = ArchiveWriter(db)
    for site in ("a", "b"):
        writer.upsert_site(SiteRecord(site, site, "411322", (f"http://{site}/",), (site,)))
        run = writer.start_run(site, "manual", "t")
        url = f"http://{site}/zwgk/t1.html"
        listing = FetchRecord(site, f"http://{site}/zwgk/", f"http://{site}/zwgk/", "list", 200)
        writer.record_page(run, listing, column=ColumnRef(listing.url, "栏目"), listed=(url,))
        text = f"{site}的正文" * 50
        doc = DocumentContent(url, text, text, site * 64, False, "x", title="通知")
        headers = {"ETag": f'"{site}1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
        writer.record_page(run, FetchRecord(site, url, url, "document", 200, headers, b"<p/>"), doc)
        writer.finish_run(run, "finished", "finished")
    writer.close()

    counts = snapshot_state(db, "a", tmp_path / "a.db", {"shard_id": "1-a-x", "site_id": "a"})
    assert counts["documents"] == 1 and counts["runs"] == 1 and counts["listings"] == 1
    with Archive(db) as arc, Archive(tmp_path / "a.db") as shard:
        assert shard.known_documents("a") == arc.known_documents("a")  # ETag, columns, status
        assert shard.known_documents("a")["http://a/zwgk/t1.html"].etag == '"a1"'
        assert shard.known_documents("b") == {}
        assert shard.last_full_walk("a") == arc.last_full_walk("a")
        assert [d.url for d in shard.documents()] == ["http://a/zwgk/t1.html"]
    assert read_info(tmp_path / "a.db") == {"shard_id": "1-a-x", "site_id": "a"}
