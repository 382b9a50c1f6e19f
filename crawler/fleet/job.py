"""One site job's crawl, in its own process: `python -m crawler.fleet.job JOB.json`.

A worker (crawler/fleet/worker.py) starts this child for each job: Twisted's reactor does not
restart, so every crawl gets a fresh process, as `zwgk crawl` does. It crawls the site into the
run shard named in the job file with the ordinary runner (crawler/crawl/runner.py), writing
through the journal (ZWGK_SHARD) and with the host gate on the site's own hosts
(ZWGK_GATE_EVERY_HOST: the delay counts from the last answer). The seed is the dispatcher's,
carried in the job, so a worker needs no seeds folder.

It ends itself when its worker is gone (killed with -9: no one renews the host lease any more,
and another worker may take the host), checking twice a second.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import tomllib
from pathlib import Path

from crawler.sites.seeds import parse_seed

ORPHAN_CHECK_SECONDS = 0.5
EXIT_ORPHANED = 3


def _end_when_orphaned(parent: int) -> None:
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(EXIT_ORPHANED)  # no cleanup: the shard is abandoned with the job
            threading.Event().wait(ORPHAN_CHECK_SECONDS)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text("utf-8"))
    _end_when_orphaned(spec["parent"])
    from crawler.crawl.runner import run_crawls

    site = parse_seed(tomllib.loads(spec["seed"]), spec["seed_source"])
    overrides = {
        **spec.get("overrides", {}),
        "ZWGK_SHARD": True,
        "ZWGK_GATE_EVERY_HOST": True,
    }
    result = run_crawls(
        [site],
        spec["shard"],
        trigger=spec["trigger"],
        log_level=spec.get("log_level", "INFO"),
        overrides=overrides,
        walk=spec["walk"],
    )
    return 0 if result.run_ids and not result.failures else 1


if __name__ == "__main__":
    sys.exit(main())
