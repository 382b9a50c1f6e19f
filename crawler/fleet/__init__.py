"""Distributed mode: site jobs on Redis/Valkey, many workers, one archive (docs/distributed.md).

    zwgk enqueue  dispatch.py  a job per site on the queue; the site's state snapshotted
                               from archive.db into the spool (shard.py)
    zwgk worker   worker.py    takes jobs (queue.py), leases their hosts (lease.py), crawls
                               each in a child (job.py) into a run shard, writing through the
                               journal (journal.py: ZWGK_SHARD), delivers it to the spool
    zwgk ingest   ingest.py    replays each shard's journal through archive/writer.py into
                               archive.db, one transaction per shard, once per shard id
    zwgk fleet    status.py    queued and running jobs, leases, heartbeats, ingest backlog

Redis holds coordination only; the archive, the seeds and the shards are files.
"""
