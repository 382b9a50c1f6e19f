"""Scoring of extractions against the gold corpus pages, the seed-text layout pages and the
fidelity pages.

One copy, used by the gate (tests/test_extraction_gate.py) and by the evaluation
(benchmarks/extraction_eval.py, which puts tests/ on sys.path). Plain values in, plain values out:
a ``Case`` is a page with what a clean extraction must give, an ``Output`` is what an extractor
gave, ``score_page`` compares the two and ``aggregate`` sums pages up into rates (all of them
"higher is better", so a gate can pin floors).

Checks per page:
- body_first / body_last: the first and last ~30 characters of the body present (white space
  folded, by containment), as in trafilatura's own eval;
- boilerplate: gold pages' must_not_contain strings present in the text; for layout pages each
  piece of furniture text the layout wrote, counted as leaked when it is a line (or a table cell)
  of the output, or when it is in the output but not in the body it could have come from;
- metadata: exact match of title, publish_date, publisher, index_no (索引号), doc_no (文号), for
  each field whose expected value is not null;
- paragraph recall: the share of the main content's paragraphs present as a line of their own,
  white space folded; a paragraph that is (or ends with) an editorial credit ("审核：赵建国",
  "…（作者：王文静）") counts as found when the rest of it is a line and the credit is in the
  metadata. Gold pages list their paragraphs (the annotated body_first..body_last window, credits
  under the body), layout and fidelity pages know theirs;
- images: the share of a body's images found (fidelity pages); image-only: the share of image-only
  pages (a 图解 page) that come out as a document: some text, the title, the date, every image.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import fidelity_pages
import layouts
from testdata import CORPUS

# Bump when a check or a metric changes: it is part of the gate's fingerprint.
SCORING_VERSION = 2
BASELINE = Path(__file__).resolve().parent / "extraction_baseline.json"
FIELDS = ("title", "publish_date", "publisher", "index_no", "doc_no")
GROUPS = ("gold", *layouts.LAYOUT_NAMES, "fidelity")
METRICS = (
    "body_first",
    "body_last",
    "boilerplate_clean",
    "pages_without_leak",
    "metadata",
    *(f"metadata.{name}" for name in FIELDS),
    "paragraph_recall",
    "images",
    "image_only",
)
fold = layouts.fold


@dataclass(frozen=True)
class Case:
    name: str
    group: str  # "gold" or a layout name
    url: str
    html: str
    expected: dict[str, str | None]  # FIELDS -> value (None: not checked)
    body_first: str
    body_last: str
    must_not_contain: tuple[str, ...]
    paragraphs: tuple[str, ...] | None = None  # None: not checked
    inputs: tuple[Path, ...] = ()  # files the case was read from (gold pages)
    images: tuple[str, ...] | None = None  # body image URLs; None: not checked
    image_only: bool = False


@dataclass(frozen=True)
class Output:
    text: str
    title: str | None = None
    publish_date: str | None = None
    publisher: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    publisher_alternatives: tuple[str, ...] = ()  # other fields that may hold the 发布机构
    credits: dict[str, str] = field(default_factory=dict)  # 责任编辑/审核/作者/… -> name(s)
    images: tuple[str, ...] = ()  # body image URLs


@dataclass(frozen=True)
class PageScore:
    name: str
    group: str
    body_first: bool
    body_last: bool
    leaked: tuple[str, ...]
    checked: int  # boilerplate strings checked
    fields: dict[str, bool] = field(default_factory=dict)  # checked field -> exact
    paragraphs_found: int = 0
    paragraphs_total: int = 0
    missing_paragraphs: tuple[str, ...] = ()
    images_found: int = 0
    images_total: int = 0
    image_only: bool | None = None  # an image-only page archived as a document; None: not one


# ------------------------------------------------------------------ cases


def page_url(manifest: dict[str, dict], name: str) -> str:
    url = manifest[name].get("url")
    return url.split()[0] if url else f"http://corpus.invalid/{name}"


def gold_cases(corpus: Path = CORPUS) -> list[Case]:
    manifest = {e["file"]: e for e in json.loads((corpus / "manifest.json").read_text("utf-8"))}
    gold_paths = sorted((corpus / "gold").glob("*.json"))
    assert gold_paths, f"no gold files in {corpus / 'gold'}"
    cases = []
    for gold_path in gold_paths:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        page_path = corpus / "pages" / f"{gold_path.stem}.html"
        cases.append(
            Case(
                name=gold_path.stem,
                group="gold",
                url=page_url(manifest, page_path.name),
                html=page_path.read_text(encoding="utf-8"),
                expected={name: gold.get(name) for name in FIELDS},
                body_first=gold["body_first"],
                body_last=gold["body_last"],
                must_not_contain=tuple(gold["must_not_contain"]),
                paragraphs=tuple(gold["paragraphs"]) if "paragraphs" in gold else None,
                inputs=(gold_path, page_path),
            )
        )
    return cases


def layout_cases() -> list[Case]:
    cases = []
    for page in layouts.layout_pages():
        doc = page.doc
        cases.append(
            Case(
                name=page.name,
                group=page.layout,
                url=page.url,
                html=page.html,
                expected={
                    "title": doc.title,
                    "publish_date": doc.publish_date,
                    "publisher": doc.publisher,
                    "index_no": doc.index_no,
                    "doc_no": doc.doc_no,
                },
                body_first=doc.paragraphs[0][:30],
                body_last=doc.paragraphs[-1][-30:],
                must_not_contain=page.boilerplate,
                paragraphs=doc.paragraphs,
            )
        )
    return cases


def fidelity_cases() -> list[Case]:
    cases = []
    for page in fidelity_pages.fidelity_pages():
        doc = page.doc
        body = [p for p in page.paragraphs if fidelity_pages.split_credit(p)[0]]
        cases.append(
            Case(
                name=page.name,
                group="fidelity",
                url=page.url,
                html=page.html,
                expected={
                    "title": doc.title,
                    "publish_date": doc.publish_date,
                    "publisher": doc.publisher,
                    "index_no": doc.index_no,
                    "doc_no": doc.doc_no,
                },
                body_first=body[0][:30],
                body_last=fidelity_pages.split_credit(body[-1])[0][-30:],
                must_not_contain=page.boilerplate,
                paragraphs=page.paragraphs,
                images=page.images,
                image_only=page.image_only,
            )
        )
    return cases


def all_cases() -> list[Case]:
    return gold_cases() + layout_cases() + fidelity_cases()


def fingerprint(cases: Iterable[Case]) -> str:
    """sha256 over every input's bytes (gold annotations and pages, the rendered layout pages and
    their expectations) and the scoring version: changes when what is measured changes."""
    digest = hashlib.sha256(f"zwgk-extraction-scoring/{SCORING_VERSION}\n".encode())
    for case in cases:
        digest.update(f"\0{case.group}/{case.name}\0".encode())
        if case.inputs:
            for path in case.inputs:
                digest.update(path.read_bytes())
        else:
            digest.update(case.html.encode("utf-8"))
            expectations = {
                "expected": case.expected,
                "paragraphs": case.paragraphs,
                "must_not_contain": case.must_not_contain,
                "images": case.images,
                "image_only": case.image_only,
            }
            digest.update(json.dumps(expectations, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


# ------------------------------------------------------------------ extractors


def ours() -> Callable[[str, str], Output]:
    """Our extractor (crawler.extraction), built once."""
    from crawler.extract.extractor import Extractor

    extractor = Extractor()

    def run(html: str, url: str) -> Output:
        result = extractor.extract(html, url)
        return Output(
            text=result.text,
            title=result.title,
            publish_date=result.publish_date,
            publisher=result.publisher,
            index_no=result.index_no,
            doc_no=result.doc_no,
            credits=dict(result.credits),
            images=tuple(image.url for image in result.images),
        )

    return run


def plain_trafilatura(html: str, url: str) -> Output:
    """trafilatura.extract with its defaults, and its metadata (title, date; 发布机构 if it is
    its author or site name). It has no 索引号 or 文号: those count as misses."""
    import trafilatura

    text = trafilatura.extract(html, url=url) or ""
    meta = trafilatura.extract_metadata(html, default_url=url)
    alternatives = tuple(value for value in (meta.author, meta.sitename) if value)
    return Output(
        text=text,
        title=meta.title,
        publish_date=meta.date,
        publisher_alternatives=alternatives,
    )


# ------------------------------------------------------------------ scoring


def _units(text: str) -> set[str]:
    """The output's lines and table cells, white space folded."""
    units: set[str] = set()
    for line in text.split("\n"):
        units.add(fold(line))
        units.update(fold(cell) for cell in line.split("|"))
    units.discard("")
    return units


def leaked(case: Case, text: str) -> tuple[str, ...]:
    """The must_not_contain strings found in ``text``. A string that is also a body paragraph,
    or part of one or of the title, leaks only when it stands as a line or cell of its own that
    the body does not explain ("政务公开" from a nav bar, not from "全面深化政务公开")."""
    folded = fold(text)
    paragraphs = {fold(p) for p in case.paragraphs or ()}
    units = _units(text) - paragraphs
    allowed = fold("\n".join([*paragraphs, case.expected.get("title") or ""]))
    hits = []
    for string in case.must_not_contain:
        target = fold(string)
        if target in units or (target in folded and target not in allowed):
            hits.append(string)
    return tuple(hits)


def score_page(case: Case, out: Output) -> PageScore:
    folded = fold(out.text)
    fields = {}
    for name in FIELDS:
        want = case.expected.get(name)
        if want is None:
            continue
        got = getattr(out, name)
        fields[name] = got == want or (name == "publisher" and want in out.publisher_alternatives)
    found = total = 0
    missing: tuple[str, ...] = ()
    if case.paragraphs is not None:
        lines = {fold(line) for line in out.text.split("\n")}
        missing = tuple(p for p in case.paragraphs if not paragraph_found(p, lines, out.credits))
        total = len(case.paragraphs)
        found = total - len(missing)
    images = case.images or ()
    image_only = None
    if case.image_only:
        image_only = bool(
            out.text.strip()
            and out.title == case.expected.get("title")
            and out.publish_date == case.expected.get("publish_date")
            and set(images) <= set(out.images)
        )
    return PageScore(
        name=case.name,
        group=case.group,
        body_first=fold(case.body_first) in folded,
        body_last=fold(case.body_last) in folded,
        leaked=leaked(case, out.text),
        checked=len(case.must_not_contain),
        fields=fields,
        paragraphs_found=found,
        paragraphs_total=total,
        missing_paragraphs=missing,
        images_found=len(set(images) & set(out.images)),
        images_total=len(set(images)),
        image_only=image_only,
    )


def paragraph_found(paragraph: str, lines: set[str], credits: dict[str, str]) -> bool:
    """A paragraph is a line of the text; one holding a credit may instead leave its credit to
    the metadata, the rest of it (a 落款 sharing the paragraph) still a line."""
    if fold(paragraph) in lines:
        return True
    rest, found = fidelity_pages.split_credit(paragraph)
    if not found:
        return False
    in_metadata = all(value in credits.get(label, "").split("；") for label, value in found.items())
    return in_metadata and (not rest or fold(rest) in lines)


def score_cases(cases: Iterable[Case], run: Callable[[str, str], Output]) -> list[PageScore]:
    return [score_page(case, run(case.html, case.url)) for case in cases]


def _rate(hits: float, total: float) -> float | None:
    return round(hits / total, 6) if total else None


def aggregate(scores: list[PageScore]) -> dict[str, float]:
    """Rates over ``scores``, one per metric in METRICS (a metric with nothing to check is left
    out)."""
    n = len(scores)
    checked = sum(s.checked for s in scores)
    rates: dict[str, float | None] = {
        "body_first": _rate(sum(s.body_first for s in scores), n),
        "body_last": _rate(sum(s.body_last for s in scores), n),
        "boilerplate_clean": _rate(checked - sum(len(s.leaked) for s in scores), checked),
        "pages_without_leak": _rate(sum(not s.leaked for s in scores), n),
        "metadata": _rate(
            sum(sum(s.fields.values()) for s in scores), sum(len(s.fields) for s in scores)
        ),
    }
    for name in FIELDS:
        values = [s.fields[name] for s in scores if name in s.fields]
        rates[f"metadata.{name}"] = _rate(sum(values), len(values))
    rates["paragraph_recall"] = _rate(
        sum(s.paragraphs_found for s in scores), sum(s.paragraphs_total for s in scores)
    )
    rates["images"] = _rate(
        sum(s.images_found for s in scores), sum(s.images_total for s in scores)
    )
    image_only = [s.image_only for s in scores if s.image_only is not None]
    rates["image_only"] = _rate(sum(image_only), len(image_only))
    return {name: value for name, value in rates.items() if value is not None}


def grouped(scores: list[PageScore]) -> dict[str, dict[str, float]]:
    """Aggregates per group (gold, each layout, fidelity), over the layout pages together, and
    over all."""
    groups = {group: aggregate([s for s in scores if s.group == group]) for group in GROUPS}
    groups["layouts"] = aggregate([s for s in scores if s.group in layouts.LAYOUT_NAMES])
    groups["all"] = aggregate(scores)
    return groups


def flat(groups: dict[str, dict[str, float]]) -> dict[str, float]:
    """{"gold": {"body_first": 1.0}} -> {"gold/body_first": 1.0}"""
    return {
        f"{group}/{metric}": value
        for group, rates in groups.items()
        for metric, value in rates.items()
    }


def baseline_record(cases: list[Case], scores: list[PageScore], extractor_version: str) -> dict:
    return {
        "about": "Pinned extraction scores (ours) for tests/test_extraction_gate.py; re-pin with "
        "`python benchmarks/extraction_eval.py --pin`.",
        "fingerprint": fingerprint(cases),
        "scoring_version": SCORING_VERSION,
        "extractor_version": extractor_version,
        "pages": len(cases),
        "scores": flat(grouped(scores)),
    }
