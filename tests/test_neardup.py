"""Near-duplicate signatures (crawler/text/dedup.py) on a labelled set built from the seed texts.

The seven reports of the seed texts (001 holds three) are each republished eight ways, as
county and township portals do: another header line, an added 附件 line, a footer line, a
paragraph added, a paragraph removed, traditional characters, other spacing and punctuation
width, and all of those at once. Every copy must match its original; no two reports may match.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from itertools import combinations
from pathlib import Path

import pytest
from opencc import OpenCC
from testdata import SEED_TEXTS

from crawler.text import dedup
from crawler.text.normalise import Normaliser

BOILERPLATE_RE = re.compile(
    r"^首页\s*>|主办|网站标识码|备案号|公网安备|邮编|扫一扫在手机打开当前页"
)
REPORT_TITLE_001 = "乡镇政府2023工作报告"
EDITS = (
    "header",
    "attachment",
    "footer",
    "paragraph_added",
    "paragraph_removed",
    "traditional",
    "spacing",
    "combined",
)
ADDED_PARAGRAPH = (
    "同时，我们将进一步加强与周边乡镇的协作交流，认真学习先进地区的经验做法，完善联席会议制度，"
    "定期通报工作进展，及时研究解决工作推进中遇到的困难和问题，确保各项任务按期完成、落到实处。"
)
FULL_WIDTH = str.maketrans(
    {",": "，", ":": "：", "(": "（", ")": "）", ";": "；", "!": "！", "?": "？"}
)


def seed_reports() -> dict[str, str]:
    """The seven reports, page chrome removed: 000, 001a, 001b, 001c, 002, 003, 004."""
    reports: dict[str, str] = {}
    paths = sorted(SEED_TEXTS.glob("*.txt"))
    assert paths, f"no seed texts in {SEED_TEXTS}"
    for path in paths:
        lines = [
            line.strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not BOILERPLATE_RE.search(line)
        ]
        if path.name.startswith("001"):
            starts = [i for i, line in enumerate(lines) if line == REPORT_TITLE_001]
            for n, (a, b) in enumerate(zip(starts, [*starts[1:], len(lines)], strict=True)):
                reports[f"001{'abc'[n]}"] = "\n".join(lines[a:b])
        else:
            reports[path.name[:3]] = "\n".join(lines)
    return reports


def republished(text: str, s2t: OpenCC) -> dict[str, str]:
    """The report as other portals republish it, one realistic edit each (and all at once)."""
    lines = text.split("\n")
    middle = len(lines) // 2
    body = [i for i in range(1, len(lines)) if len(lines[i]) > 40]
    removed = body[len(body) // 2]  # a mid-document paragraph
    kept = lines[:removed] + lines[removed + 1 :]
    combined = [
        "索引号：11411234/2024-00056 发布日期：2024年3月5日",
        *kept[1:],
        "附件：1.工作报告.docx",
        "责任编辑：王芳",
    ]
    return {
        "header": "\n".join(
            ["来源：县人民政府办公室 发布时间：2024-03-05 09:30 浏览次数：218", *lines[1:]]
        ),
        "attachment": text + "\n附件：2023年度工作报告.pdf",
        "footer": text + "\n【打印本页】【关闭窗口】 责任编辑：李明",
        "paragraph_added": "\n".join([*lines[:middle], ADDED_PARAGRAPH, *lines[middle:]]),
        "paragraph_removed": "\n".join(kept),
        "traditional": s2t.convert(text),
        "spacing": "\n\n".join(
            "\u3000\u3000" + line.translate(FULL_WIDTH).replace("。", "。 ") for line in lines
        ),
        "combined": s2t.convert("\n".join(" " + line.translate(FULL_WIDTH) for line in combined)),
    }


@cache
def labelled_set() -> tuple[tuple[str, str, str], ...]:
    """(report, edit, text_norm) for every original (edit "original") and every copy; the
    text_norm is the archive's normalised form, which is what gets signed."""
    normaliser, s2t = Normaliser(), OpenCC("s2t")
    out = []
    for report, text in seed_reports().items():
        out.append((report, "original", normaliser.normalise(text).text_norm))
        for edit, copy in republished(text, s2t).items():
            out.append((report, edit, normaliser.normalise(copy).text_norm))
    return tuple(out)


def precision_recall(pairs_found: set[tuple[int, int]], labels: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of `pairs_found` (index pairs) against same-report labels."""
    truth = {(i, j) for i, j in combinations(range(len(labels)), 2) if labels[i] == labels[j]}
    hits = len(pairs_found & truth)
    precision = hits / len(pairs_found) if pairs_found else 1.0
    return precision, hits / len(truth)


def test_labelled_set_is_what_it_claims() -> None:
    items = labelled_set()
    assert len(items) == 7 * (1 + len(EDITS))
    assert {report for report, _, _ in items} == {
        "000",
        "001a",
        "001b",
        "001c",
        "002",
        "003",
        "004",
    }
    originals = {report: text for report, edit, text in items if edit == "original"}
    for report, edit, text in items:
        if edit not in ("original", "traditional"):
            assert text != originals[report], (report, edit)  # exact hashes would miss them
    # converted back to simplified, a traditional copy mostly equals its original (the exact
    # hash finds it), but not always: OpenCC's round trip turns 批复 into 批覆 in 001b
    assert any(e == "traditional" and t != originals[r] for r, e, t in items)


def test_fold_drops_punctuation_spacing_and_width() -> None:
    assert (
        dedup.letters_and_digits("２０２３年，工作 报告。\n（一）ＡＢＣ:") == "2023年工作报告一abc"
    )
    assert dedup.letters_and_digits("一、工作。") == dedup.letters_and_digits("一,工作.")


def test_shingles_are_characters() -> None:
    assert dedup.shingles("政务公开目录", k=5) == {"政务公开目", "务公开目录"}
    assert dedup.shingles("政务公开") == set()  # shorter than K: no shingles at all


def test_every_copy_matches_its_original_and_no_two_reports_match() -> None:
    items = labelled_set()
    sketches = [dedup.sketch(text) for _, _, text in items]
    assert all(s is not None for s in sketches)
    sigs = [dedup.signature(text) for _, _, text in items]
    found = set()
    for i, j in combinations(range(len(items)), 2):
        shares_band = any(
            a == b for a, b in zip(sketches[i].band_keys, sketches[j].band_keys, strict=True)
        )
        if shares_band and dedup.estimated_jaccard(sigs[i], sigs[j]) >= dedup.THRESHOLD:
            found.add((i, j))
    labels = [report for report, _, _ in items]
    precision, recall = precision_recall(found, labels)
    copies = [i for i, (_, edit, _) in enumerate(items) if edit != "original"]
    original = {report: i for i, (report, edit, _) in enumerate(items) if edit == "original"}
    copy_recall = sum((original[labels[i]], i) in found for i in copies) / len(copies)
    print(
        f"\nsignatures: copy->original recall {copy_recall:.3f}, "
        f"pairwise precision {precision:.3f} recall {recall:.3f} ({len(found)} pairs)"
    )
    assert copy_recall == 1.0
    assert precision == 1.0  # no false merge


def test_estimates_follow_exact_jaccard() -> None:
    items = labelled_set()
    originals = {report: text for report, edit, text in items if edit == "original"}
    errors = []
    for report, edit, text in items:
        if edit == "original":
            continue
        a, b = dedup.letters_and_digits(originals[report]), dedup.letters_and_digits(text)
        exact = len(dedup.shingles(a) & dedup.shingles(b)) / len(
            dedup.shingles(a) | dedup.shingles(b)
        )
        estimate = dedup.estimated_jaccard(
            dedup.signature(originals[report]), dedup.signature(text)
        )
        errors.append(abs(estimate - exact))
        assert exact >= 0.83, (report, edit)  # the edits are small enough to be copies
    assert max(errors) < 0.1
    assert sum(errors) / len(errors) < 0.03


def test_short_texts_are_never_signed() -> None:
    notices = [
        f"关于做好2024年{month}月份安全生产工作的通知。各村（社区）：请认真做好本月安全生产工作。"
        for month in range(1, 13)
    ]
    assert all(dedup.sketch(n) is None for n in notices)
    assert dedup.sketch("详见附件") is None and dedup.sketch("") is None
    at_limit = "".join(chr(0x4E00 + (i * 37) % 2000) for i in range(dedup.MIN_CHARS))
    assert dedup.sketch(at_limit) is not None
    assert dedup.sketch(at_limit[:-1] + "。" * 50) is None  # punctuation does not count


def test_band_keys() -> None:
    sig = dedup.signature(labelled_set()[0][2])
    keys = dedup.band_keys(sig)
    assert len(keys) == dedup.BANDS and len(set(keys)) == dedup.BANDS
    assert all(-(2**63) <= k < 2**63 for k in keys)
    changed = list(sig)
    changed[dedup.ROWS * 3] ^= 1  # first value of band 3
    other = dedup.band_keys(changed)
    assert [a == b for a, b in zip(keys, other, strict=True)].count(False) == 1
    assert keys[3] != other[3]
    assert len(dedup.pack(sig)) == 4 * dedup.NUM_PERM


def test_estimated_jaccard_refuses_mismatched_signatures() -> None:
    with pytest.raises(ValueError):
        dedup.estimated_jaccard([1, 2, 3], [1, 2])


def test_signatures_are_the_same_in_another_process() -> None:
    text = labelled_set()[5][2]
    code = (
        "import sys; from crawler.text import dedup; "
        "print(dedup.sketch(sys.stdin.read()).signature.hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # str hashing differs from this process
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.strip()
    assert out == dedup.sketch(text).signature.hex()
