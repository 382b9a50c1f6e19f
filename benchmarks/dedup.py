"""Near-duplicate benchmark: per-document cost of signing and clustering at archive scale.

    python benchmarks/dedup.py [--docs 100000] [--probe 1000] [--compare]

Builds a real archive file in a temporary directory holding `--docs` synthetic documents'
signatures and LSH bands (texts made by recombining paragraphs of the seed texts with random
edits, so they are mostly distinct, plus 5% near-copies of earlier ones), then signs and
assigns `--probe` new documents (10% of them near-copies) and prints the cost per document
(signature, lookup + assign inside the open transaction; median and p95) and the bytes per
document the near-duplicate tables add. Signatures of the prefill are made on every core.

`--compare` first measures the MinHash libraries on the labelled set of tests/test_neardup.py
(datasketch, rensa RMinHash and CMinHash, a numpy implementation): time per signature and the
error of the Jaccard estimate of each copy against its original, over 20 seeds; these are the figures in crawler/text/dedup.py.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_neardup import labelled_set, seed_reports  # noqa: E402

from archive import clusters  # noqa: E402
from archive.schema import connect  # noqa: E402
from crawler.text import dedup  # noqa: E402
from crawler.text.normalise import content_hash  # noqa: E402

NOW = "2026-01-05T01:00:00.000Z"
TOWNS = (
    "杨集镇",
    "留庄镇",
    "弼时镇",
    "双胜镇",
    "铁丝塘镇",
    "孙岗镇",
    "博望镇",
    "赵河镇",
    "广阳镇",
    "券桥镇",
)
NEAR_DUP_TABLES = (
    "minhash_scheme",
    "minhash_signatures",
    "sqlite_autoindex_minhash_signatures_1",
    "minhash_bands",
    "clusters",
    "cluster_members",
    "sqlite_autoindex_cluster_members_1",
    "cluster_members_cluster",
)


def paragraphs() -> list[str]:
    return [p for text in seed_reports().values() for p in text.split("\n") if len(p) > 20]


def synthetic_text(rng: random.Random, pool: list[str]) -> str:
    """A report-like text: 4-24 random paragraphs, each with a few numbers and names changed."""
    out = [f"{rng.choice(TOWNS)}{rng.randint(2015, 2025)}年工作报告"]
    for para in rng.sample(pool, rng.randint(4, 24)):
        chars = list(para)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars))
            chars[i] = str(rng.randint(0, 9)) if rng.random() < 0.7 else rng.choice(TOWNS)
        out.append("".join(chars))
    return "\n".join(out)


def near_copy(rng: random.Random, text: str) -> str:
    """A republished copy: another header, a footer, maybe a short paragraph dropped."""
    lines = text.split("\n")
    if len(lines) > 6 and rng.random() < 0.5:
        shortest = min(range(1, len(lines)), key=lambda i: len(lines[i]))
        del lines[shortest]
    lines[0] = (
        f"来源：{rng.choice(TOWNS)}人民政府 发布时间：2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    )
    return "\n".join([*lines, "附件：工作报告.docx"])


def make_documents(seed: int, count: int) -> list[tuple[str, str, bool]]:
    """(text_hash, text_norm, is a near-copy) for `count` documents: 5% near-copies."""
    rng, pool, made = random.Random(seed), paragraphs(), []
    for _ in range(count):
        copy = bool(made) and rng.random() < 0.05
        text = near_copy(rng, rng.choice(made)[1]) if copy else synthetic_text(rng, pool)
        made.append((content_hash(text), text, copy))
    return made


def sketch_batch(args: tuple[int, int]):
    seed, count = args
    return [(h, dedup.sketch(t), len(t), copy) for h, t, copy in make_documents(seed, count)]


def assign(db, text_hash: str, sketch) -> tuple[int | None, float | None]:
    db.execute(
        "INSERT OR IGNORE INTO texts (hash, text, text_norm, traditional, chars, first_seen) "
        "VALUES (?, '', '', 0, 0, ?)",
        [text_hash, NOW],
    )
    return clusters.assign_cluster(
        db, text_hash, sketch.signature, sketch.band_keys, dedup.THRESHOLD, NOW
    )


def prefill(db, docs: int) -> float:
    """Sign `docs` synthetic documents on every core and assign them in batches of 1,000."""
    batches = [(seed, 1000) for seed in range(docs // 1000)]
    chars, start = [], time.perf_counter()
    joined = {True: 0, False: 0}  # by: is a near-copy
    copies = 0
    with multiprocessing.Pool() as pool:
        for n, batch in enumerate(pool.imap(sketch_batch, batches), 1):
            db.conn.execute("BEGIN IMMEDIATE")
            for text_hash, sketch, length, copy in batch:
                chars.append(length)
                copies += copy
                if sketch is not None:
                    joined[copy] += assign(db, text_hash, sketch)[0] is not None
            db.conn.execute("COMMIT")
            if n % 10 == 0:
                print(
                    f"  {n * 1000:,} documents in {time.perf_counter() - start:.0f} s", flush=True
                )
    print(
        f"  mean text {statistics.mean(chars):,.0f} characters; {joined[True]:,} of {copies:,} "
        f"near-copies joined a cluster, and {joined[False]:,} other texts"
    )
    return time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def measure(db, probe: int) -> None:
    rng = random.Random(99)
    fresh = make_documents(10_000_019, probe)
    archived = [t for _, t, _ in make_documents(0, 1000)]  # batch 0 of the prefill
    docs = [
        (text if rng.random() > 0.1 else near_copy(rng, rng.choice(archived)))
        for _, text, _ in fresh
    ]
    sig_ms, assign_ms, joined = [], [], 0
    for text in docs:
        t0 = time.perf_counter()
        sketch = dedup.sketch(text)
        t1 = time.perf_counter()
        db.conn.execute("BEGIN IMMEDIATE")
        t2 = time.perf_counter()
        cluster_id = assign(db, content_hash(text), sketch)[0] if sketch else None
        t3 = time.perf_counter()
        db.conn.execute("COMMIT")
        joined += cluster_id is not None
        sig_ms.append((t1 - t0) * 1000)
        assign_ms.append((t3 - t2) * 1000)
    total = [a + b for a, b in zip(sig_ms, assign_ms, strict=True)]
    print(f"\n{probe:,} new documents ({joined} joined a cluster), ms per document:")
    for name, values in (("signature", sig_ms), ("lookup+assign", assign_ms), ("total", total)):
        print(
            f"  {name:14s} median {statistics.median(values):6.2f}   p95 {pct(values, 0.95):6.2f}"
        )


def table_bytes(db) -> dict[str, int]:
    rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    return {name: size for name, size in rows if name in NEAR_DUP_TABLES}


def compare_libraries() -> None:
    import numpy as np  # noqa: F401  (the libraries are optional: measured only here)

    items = labelled_set()
    texts = [dedup.letters_and_digits(t) for _, _, t in items]
    shingled = [[t[i : i + dedup.K] for i in range(len(t) - dedup.K + 1)] for t in texts]
    original = {r: i for i, (r, edit, _) in enumerate(items) if edit == "original"}
    copy_pairs = [(original[r], i) for i, (r, edit, _) in enumerate(items) if edit != "original"]
    exact = {
        (i, j): len(set(shingled[i]) & set(shingled[j])) / len(set(shingled[i]) | set(shingled[j]))
        for i, j in copy_pairs
    }
    print(
        f"labelled set: {len(items)} texts, mean {statistics.mean(map(len, texts)):,.0f} folded chars"
    )
    for name, make in _implementations().items():
        sign = make(1)
        times = []
        for _ in range(3):
            for text in texts:
                t0 = time.perf_counter()
                sign(dedup.letters_and_digits(text))
                times.append((time.perf_counter() - t0) * 1000)
        errors, below = [], 0
        for seed in range(1, 21):
            sign = make(seed)
            sigs = [np.asarray(sign(t)) for t in texts]
            for i, j in copy_pairs:
                estimate = float((sigs[i] == sigs[j]).mean())
                errors.append(estimate - exact[(i, j)])
                below += estimate < dedup.THRESHOLD
        err = np.asarray(errors)
        print(
            f"  {name:16s} {statistics.median(times):5.2f} ms median {pct(times, 0.95):5.2f} p95 | "
            f"RMSE {np.sqrt((err**2).mean()):.4f} bias {err.mean():+.4f} max {abs(err).max():.3f} "
            f"| copies estimated < {dedup.THRESHOLD}: {below}/{len(errors)}"
        )


def _implementations():
    import datasketch
    import numpy as np
    import rensa

    k, p = dedup.K, dedup.NUM_PERM

    def grams(t):
        return [t[i : i + k] for i in range(len(t) - k + 1)]

    def rensa_sign(cls):
        def make(seed):
            def sign(t):
                m = cls(num_perm=p, seed=seed)
                m.update(grams(t))
                return m.digest()

            return sign

        return make

    def datasketch_make(seed):
        def sign(t):
            m = datasketch.MinHash(num_perm=p, seed=seed)
            m.update_batch([g.encode() for g in set(grams(t))])
            return m.hashvalues

        return sign

    def numpy_make(seed):
        rng = np.random.default_rng(seed)
        a = (rng.integers(0, 2**63, p, dtype=np.uint64) * np.uint64(2) + np.uint64(1))[:, None]
        b = rng.integers(0, 2**63, p, dtype=np.uint64)[:, None]
        mult = np.uint64(0x9E3779B97F4A7C15)

        def sign(t):
            cp = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            n = len(cp) - k + 1
            with np.errstate(over="ignore"):
                h = cp[:n].copy()
                for j in range(1, k):  # rolling hash of the k code points, then splitmix64
                    h = h * mult + cp[j : j + n]
                for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
                    h ^= h >> np.uint64(shift)
                    h *= np.uint64(factor)
                h = np.unique(h ^ (h >> np.uint64(31)))
                out = np.full(p, 0xFFFFFFFF, dtype=np.uint32)
                for s in range(0, len(h), 4096):  # multiply-shift permutations, in blocks
                    v = ((a * h[None, s : s + 4096] + b) >> np.uint64(32)).astype(np.uint32)
                    out = np.minimum(out, v.min(axis=1))
            return out

        return sign

    return {
        "rensa RMinHash": rensa_sign(rensa.RMinHash),
        "rensa CMinHash": rensa_sign(rensa.CMinHash),
        "datasketch": datasketch_make,
        "numpy (own)": numpy_make,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the archive")
    parser.add_argument("--probe", type=int, default=1000, help="new documents to time")
    parser.add_argument("--compare", action="store_true", help="measure the MinHash libraries")
    args = parser.parse_args()
    if args.compare:
        compare_libraries()
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "archive.db")
        print(f"\nprefill: {args.docs:,} documents ({dedup.SCHEME})")
        seconds = prefill(db, args.docs)
        print(f"  {seconds:.0f} s ({seconds / args.docs * 1000:.2f} ms per document, all cores)")
        measure(db, args.probe)
        sizes = table_bytes(db)
        signed = db.execute("SELECT count(*) FROM minhash_signatures").fetchone()[0]
        print(f"\narchive size added by the near-duplicate tables ({signed:,} signed texts):")
        for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
            print(f"  {name:38s} {size / 2**20:7.1f} MiB  {size / signed:6.0f} B/doc")
        total = sum(sizes.values())
        print(f"  {'total':38s} {total / 2**20:7.1f} MiB  {total / signed:6.0f} B/doc")
        db.close()


if __name__ == "__main__":
    main()
