"""Extraction quality and speed: our extractor against plain trafilatura defaults, side by side.

    python benchmarks/extraction_eval.py            # tables: per page, per group, speed
    python benchmarks/extraction_eval.py --json     # the same figures as JSON
    python benchmarks/extraction_eval.py --pin      # rewrite tests/extraction_baseline.json

Pages: the hand-annotated gold pages of tests/data/corpus (gold/*.json + pages/*.html), the
seed-text pages of tests/layouts.py (7 documents × modern/table/pinyin layouts) and the fidelity
pages of tests/fidelity_pages.py (a website-closure notice, a disclosure guide, credits, titles
with 破折号 and spaces, a 图解 page of images only, an attachment-only page; × the same layouts).
Checks and metrics are in tests/extraction_scoring.py (one copy, shared with the gate test): body
start/end found, boilerplate leaked, metadata exact-match rate, paragraph recall (credits found in
the metadata count), body images found, image-only pages archived. Plain trafilatura is
`trafilatura.extract(html, url=…)` with its defaults, its title and date from
`trafilatura.extract_metadata`; it has no 索引号 or 文号, so those count as misses.

Speed: pages/s over the same pages, each extractor warmed up once, then several timed passes
(interleaved), the median reported. Ours includes its metadata; trafilatura's figure is
`extract()` alone, as the pipeline would call it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import extraction_scoring as scoring  # noqa: E402

SHORT = {
    "body_first": "first",
    "body_last": "last",
    "boilerplate_clean": "clean",
    "pages_without_leak": "no-leak pages",
    "metadata": "meta",
    "metadata.title": "title",
    "metadata.publish_date": "date",
    "metadata.publisher": "publisher",
    "metadata.index_no": "索引号",
    "metadata.doc_no": "文号",
    "paragraph_recall": "para recall",
    "images": "images",
    "image_only": "image-only",
}


def pages_per_second(
    runs: dict[str, Callable[[str, str], object]], cases: list[scoring.Case], repeat: int
) -> dict[str, dict[str, float]]:
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():  # warm-up: imports, caches, lazily built regexes
        for case in cases:
            run(case.html, case.url)
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            for case in cases:
                run(case.html, case.url)
            timings[name].append(len(cases) / (time.perf_counter() - started))
    return {
        name: {
            "pages_per_s": round(statistics.median(values), 1),
            "min": round(min(values), 1),
            "max": round(max(values), 1),
        }
        for name, values in timings.items()
    }


def trafilatura_extract_only(html: str, url: str) -> object:
    import trafilatura

    return trafilatura.extract(html, url=url)


def page_row(score: scoring.PageScore) -> dict:
    return {
        "body_first": score.body_first,
        "body_last": score.body_last,
        "leaked": list(score.leaked),
        "checked": score.checked,
        "fields": score.fields,
        "paragraphs": [score.paragraphs_found, score.paragraphs_total],
        "missing_paragraphs": list(score.missing_paragraphs),
        "images": [score.images_found, score.images_total],
        "image_only": score.image_only,
    }


def cell(score: scoring.PageScore) -> str:
    meta = f"{sum(score.fields.values())}/{len(score.fields)}"
    para = f"{score.paragraphs_found}/{score.paragraphs_total}" if score.paragraphs_total else "-"
    body = ("Y" if score.body_first else "-") + ("Y" if score.body_last else "-")
    return f"{body:<4} {len(score.leaked):>3}/{score.checked:<3} {meta:>5} {para:>6}"


def print_tables(report: dict, ours: list, theirs: list) -> None:
    print(f"{'':<20} {'ours':<24} {'plain trafilatura'}")
    head = "body  leaked  meta  paras"
    print(f"{'page':<20} {head:<24} {head}")
    for mine, other in zip(ours, theirs, strict=True):
        print(f"{mine.group + '/' + mine.name:<20} {cell(mine):<24} {cell(other)}")
    print("body: first/last found (Y); leaked: boilerplate strings found / checked;")
    print("meta: exact fields / checked; paras: body paragraphs found as their own line")
    for name, scores in (("ours", ours), ("plain trafilatura", theirs)):
        titles = {
            group: f"{sum(s.fields.get('title', False) for s in scores if s.group == group)}"
            f"/{sum('title' in s.fields for s in scores if s.group == group)}"
            for group in scoring.GROUPS
        }
        print(f"titles as published ({name}): " + ", ".join(f"{g} {t}" for g, t in titles.items()))
    print()
    groups = report["ours"]["groups"]
    other_groups = report["trafilatura"]["groups"]
    print(f"{'metric':<14} " + " ".join(f"{g:>15}" for g in groups))
    print(f"{'':<14} " + " ".join(f"{'ours / trafil.':>15}" for _ in groups))
    for metric in scoring.METRICS:
        values = []
        for group in groups:
            a, b = groups[group].get(metric), other_groups[group].get(metric)
            values.append("-" if a is None else f"{a:.3f} / {b:.3f}")
        print(f"{SHORT[metric]:<14} " + " ".join(f"{v:>15}" for v in values))
    if "speed" in report:
        speed = report["speed"]
        ratio = speed["ours"]["pages_per_s"] / speed["trafilatura"]["pages_per_s"]
        print()
        print(f"speed over {report['pages']} pages, median of {speed['repeat']} passes:")
        for name in ("ours", "trafilatura"):
            s = speed[name]
            print(
                f"  {name:<12} {s['pages_per_s']:>7.1f} pages/s  (min {s['min']}, max {s['max']})"
            )
        print(f"  ours / trafilatura = {ratio:.2f} (acceptance: >= 0.70)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--pin", action="store_true", help="rewrite tests/extraction_baseline.json")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed figures")
    args = parser.parse_args(argv)

    from crawler.extract.extractor import EXTRACTOR_VERSION

    cases = scoring.all_cases()
    run_ours = scoring.ours()
    ours = scoring.score_cases(cases, run_ours)
    if args.pin:
        record = scoring.baseline_record(cases, ours, EXTRACTOR_VERSION)
        text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        scoring.BASELINE.write_text(text, encoding="utf-8")
        print(
            f"pinned {len(record['scores'])} scores over {len(cases)} pages in {scoring.BASELINE}"
        )
        return 0
    theirs = scoring.score_cases(cases, scoring.plain_trafilatura)
    report: dict = {
        "extractor_version": EXTRACTOR_VERSION,
        "pages": len(cases),
        "fingerprint": scoring.fingerprint(cases),
        "ours": {"groups": scoring.grouped(ours)},
        "trafilatura": {"groups": scoring.grouped(theirs)},
        "per_page": {
            f"{mine.group}/{mine.name}": {"ours": page_row(mine), "trafilatura": page_row(other)}
            for mine, other in zip(ours, theirs, strict=True)
        },
    }
    if not args.no_speed:
        speed = pages_per_second(
            {"ours": run_ours, "trafilatura": trafilatura_extract_only}, cases, args.repeat
        )
        report["speed"] = {"repeat": args.repeat, **speed}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_tables(report, ours, theirs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
