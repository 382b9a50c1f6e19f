"""The sample portal's documents: seed texts minus their boilerplate, placed in columns, per revision.

Plain values only: `build_site()` returns a `Site` (every document's metadata and paragraphs, list
order, columns); `templates.py` turns those into HTML and `server.py` serves them. Paragraph tuples
share the strings of the seed texts, so a 2,500-document synthetic portal costs little memory and
nothing is rendered before it is asked for.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

TEXTS = Path(__file__).resolve().parent / "texts"
SECTION_PATH = "/zwgk/"
SITE_NAME = "方城县人民政府"
REVISIONS = (1, 2, 3)
DEFAULT_SYNTHETIC_DOCS = 2000

# column slug -> column name; 政府信息公开 is the old GBK, table-layout part of the portal
COLUMNS = {
    "gzbg": "工作报告",
    "fzzf": "法治政府",
    "ghjh": "规划计划",
    "zfxxgk": "政府信息公开",
}
GBK_COLUMNS = frozenset({"zfxxgk"})
TOPICS = {
    "gzbg": "综合政务/政府工作报告",
    "fzzf": "综合政务/法治政府",
    "ghjh": "国民经济管理、国有资产监管/发展规划",
    "zfxxgk": "综合政务/其他",
}

# Lines of the seed texts that are page chrome, not the document
BOILERPLATE_RES = (
    re.compile(r"^首页\s*>"),  # breadcrumb: 首页 >>法治政府建设, 首页 >政务公开 > …
    re.compile(r"^政府信息公开$"),  # column label above the title
    re.compile(r"主办[:：]|网站标识码|备案号|公网安备|邮编[:：]"),  # footer
    re.compile(r"^扫一扫"),
    re.compile(r"^来源[:：].*发布时间|浏览次数"),
    re.compile(r"^发布时间[:：]"),
    re.compile(r"^附件下[载載][:：]?$"),
    re.compile(r"^\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?$"),  # bare publish-date line
)
EDIT_NOTE = "(数据已根据县统计局年报核定更新)"


@dataclass(frozen=True)
class Doc:
    doc_id: int
    column: str
    title: str
    publish_date: str  # ISO date
    paragraphs: tuple[str, ...]
    seed_text: str
    publisher: str
    index_no: str  # 索引号
    doc_no: str  # 文号
    encoding: str = "utf-8"
    traditional: bool = False
    twin_id: int | None = None  # the UTF-8 twin of a GBK copy
    modified: str = ""  # ISO date-time (UTC) for Last-Modified; defaults to the publish date
    listed: bool = True  # False: taken off its lists but still served at its URL
    soft_deleted: bool = False  # True: its URL answers 200 with a "页面不存在或已被删除" page

    @property
    def path(self) -> str:
        ymd = self.publish_date.replace("-", "")
        return f"{SECTION_PATH}{self.column}/{ymd[:6]}/t{ymd}_{self.doc_id}.html"

    @property
    def written_date(self) -> str:  # 成文日期: a few days before publication
        return (date.fromisoformat(self.publish_date) - timedelta(days=3)).isoformat()

    @property
    def last_modified(self) -> str:
        return self.modified or f"{self.publish_date}T00:30:00"


@dataclass(frozen=True)
class Site:
    portal: str
    revision: int
    docs: tuple[Doc, ...]  # listed documents, newest first: the order of the main list
    served: tuple[Doc, ...]  # every document with a URL that answers (listed or not)
    page_size: int
    by_path: dict[str, Doc] = field(compare=False, repr=False)
    by_id: dict[int, Doc] = field(compare=False, repr=False)
    by_column: dict[str, tuple[Doc, ...]] = field(compare=False, repr=False)
    column_position: dict[int, int] = field(compare=False, repr=False)

    def twin_path(self, doc: Doc) -> str | None:
        twin = self.by_id.get(doc.twin_id) if doc.twin_id else None
        return twin.path if twin else None


# ---------------------------------------------------------------- seed texts


@cache
def seed_stem(prefix: str) -> str:
    (path,) = TEXTS.glob(f"{prefix}_*.txt")
    return path.stem


@cache
def seed_text(prefix: str) -> str:
    return (TEXTS / f"{seed_stem(prefix)}.txt").read_text(encoding="utf-8")


def body_lines(text: str, title: str) -> tuple[str, ...]:
    """The document's paragraphs: trimmed non-empty lines minus title, date and chrome lines."""
    lines = (raw.strip() for raw in text.split("\n"))
    return tuple(
        line
        for line in lines
        if line and line != title and not any(rx.search(line) for rx in BOILERPLATE_RES)
    )


def split_reports(text: str, heading: str) -> list[str]:
    """001 is a template page holding several reports, each opening with the same heading line."""
    parts = re.split(rf"^{re.escape(heading)}$", text, flags=re.M)
    return [part for part in parts if part.strip()]


@cache
def seed_paragraphs(prefix: str, title: str, part: int = 0) -> tuple[str, ...]:
    text = seed_text(prefix)
    if prefix == "001":
        text = split_reports(text, title)[part]
    return body_lines(text, title)


# ---------------------------------------------------------------- the sample portal

TITLE_001 = "乡镇政府2023工作报告"
TITLE_002 = "弼时镇2022年工作总结及2023年工作规划"
TITLE_004 = "鐵絲塘鎮2023年工作總結及2024年工作計劃"

# id, seed, part, column, title, date, publisher, 索引号, 文号
SAMPLE_DOCS = (
    (1001, "000", 0, "fzzf", "2023年法治政府工作报告", "2024-02-27", "杨集镇人民政府",
     "411322001/2024-00012", "杨政〔2024〕5号"),
    (1002, "001", 0, "gzbg", TITLE_001, "2024-01-08", "留庄镇人民政府",
     "411322002/2024-00003", "留政〔2024〕1号"),
    (1003, "001", 1, "gzbg", TITLE_001, "2024-01-12", "北蔡镇人民政府",
     "411322003/2024-00005", "北政〔2024〕2号"),
    (1004, "001", 2, "gzbg", TITLE_001, "2024-01-19", "孙岗镇人民政府",
     "411322004/2024-00007", "孙政〔2024〕1号"),
    (1005, "002", 0, "zfxxgk", TITLE_002, "2023-01-17", "弼时镇人民政府",
     "411322005/2023-00002", "弼政发〔2023〕2号"),
    (1006, "002", 0, "ghjh", TITLE_002, "2023-01-17", "弼时镇人民政府",
     "411322005/2023-00002", "弼政发〔2023〕2号"),
    (1007, "003", 0, "gzbg", "2021年政府工作报告", "2021-11-24", "双胜镇人民政府",
     "411322006/2021-00036", "双府〔2021〕36号"),
    (1008, "004", 0, "ghjh", TITLE_004, "2023-12-06", "鐵絲塘鎮人民政府",
     "411322007/2023-00041", "铁政〔2023〕41号"),
)  # fmt: skip
GBK_COPY, UTF8_TWIN = 1005, 1006
EDITED, DELETED = 1001, 1003  # revision 2 edits one, deletes the other; revision 3 restores it
UNLISTED, SOFT_DELETED = 1004, 1007  # revision 2 takes one off its lists, soft-deletes another


def sample_docs() -> list[Doc]:
    docs = []
    for doc_id, prefix, part, column, title, day, publisher, index_no, doc_no in SAMPLE_DOCS:
        docs.append(
            Doc(
                doc_id=doc_id,
                column=column,
                title=title,
                publish_date=day,
                paragraphs=seed_paragraphs(prefix, title, part),
                seed_text=seed_stem(prefix),
                publisher=publisher,
                index_no=index_no,
                doc_no=doc_no,
                encoding="gbk" if column in GBK_COLUMNS else "utf-8",
                traditional=prefix == "004",
                twin_id=UTF8_TWIN if doc_id == GBK_COPY else None,
            )
        )
    return docs


def sample_added() -> Doc:
    """Revision 2's new document: the 下步工作谋划 paragraphs of 000 under a new title and date."""
    paragraphs = seed_paragraphs("000", "2023年法治政府工作报告")
    start = paragraphs.index("三、下步工作谋划") + 1
    return Doc(
        doc_id=1009,
        column="gzbg",
        title="杨集镇2024年重点工作谋划",
        publish_date="2024-03-15",
        paragraphs=paragraphs[start:],
        seed_text=seed_stem("000"),
        publisher="杨集镇人民政府",
        index_no="411322001/2024-00019",
        doc_no="杨政〔2024〕9号",
    )


def edited(doc: Doc, index: int, old: str = "", new: str = "") -> Doc:
    """The document with one paragraph corrected (a figure changed) and a note appended."""
    paragraphs = list(doc.paragraphs)
    paragraphs[index] = paragraphs[index].replace(old, new) + EDIT_NOTE
    modified = (date.fromisoformat(doc.publish_date) + timedelta(days=20)).isoformat()
    return replace(doc, paragraphs=tuple(paragraphs), modified=f"{modified}T02:00:00")


def revised(
    docs: list[Doc],
    revision: int,
    edit: Doc,
    deleted: int,
    added: Doc,
    unlisted: int | None = None,
    soft_deleted: int | None = None,
) -> list[Doc]:
    """Revision 1: as built. 2: one edited, one added, one deleted (404), one taken off its lists,
    one soft-deleted. 3: like 2, with the deleted one back."""
    if revision not in REVISIONS:
        raise ValueError(f"revision must be one of {REVISIONS}, not {revision!r}")
    if revision == 1:
        return docs
    docs = [edit if d.doc_id == edit.doc_id else d for d in docs] + [added]
    docs = [
        replace(d, listed=False) if d.doc_id == unlisted
        else replace(d, soft_deleted=True) if d.doc_id == soft_deleted
        else d
        for d in docs
    ]  # fmt: skip
    return [d for d in docs if revision == 3 or d.doc_id != deleted]


def build_sample(revision: int) -> list[Doc]:
    docs = sample_docs()
    (original,) = [d for d in docs if d.doc_id == EDITED]
    index = next(i for i, p in enumerate(original.paragraphs) if p.startswith("(三)围绕提振经济"))
    edit = edited(original, index, "5940万元", "5946万元")
    return revised(docs, revision, edit, DELETED, sample_added(), UNLISTED, SOFT_DELETED)


# ---------------------------------------------------------------- the synthetic portal

# per seed: column, town (as the seed writes it), whether its text is traditional
SYNTHETIC_SEEDS = (
    ("000", "fzzf", "杨集镇", False),
    ("001", "gzbg", "留庄镇", False),
    ("002", "ghjh", "弼时镇", False),
    ("003", "gzbg", "双胜镇", False),
    ("004", "ghjh", "鐵絲塘鎮", True),
)
SYNTHETIC_NEWEST = date(2024, 6, 30)
SEED_TITLES = {d[1]: d[4] for d in SAMPLE_DOCS}


@cache
def paragraph_pool(prefix: str) -> tuple[str, ...]:
    """The longer paragraphs of one seed text (001: of all three reports)."""
    if prefix == "001":
        text = seed_text("001").replace(TITLE_001, "")
        paragraphs = body_lines(text, TITLE_001)
    else:
        paragraphs = seed_paragraphs(prefix, SEED_TITLES[prefix])
    return tuple(p for p in paragraphs if len(p) >= 40)


def synthetic_doc(i: int) -> Doc:
    """Document number i (0 = newest): paragraphs of one seed text, recombined by a seeded RNG."""
    prefix, column, town, traditional = SYNTHETIC_SEEDS[i % len(SYNTHETIC_SEEDS)]
    if prefix == "002" and (i // len(SYNTHETIC_SEEDS)) % 2:
        column = "zfxxgk"  # every other 弼时镇 document sits in the old GBK column
    day = SYNTHETIC_NEWEST - timedelta(days=i)
    pool = paragraph_pool(prefix)
    rng = random.Random(i)
    body = tuple(rng.sample(pool, min(len(pool), 4 + i % 4)))
    if traditional:
        title = f"{town}{day.year}年第{i + 1}期工作動態"
        lead = f"{town}黨政辦公室 {day.year}年{day.month}月{day.day}日 第{i + 1}期"
    else:
        title = f"{town}{day.year}年第{i + 1}期工作动态"
        lead = f"{town}党政办公室 {day.year}年{day.month}月{day.day}日 第{i + 1}期"
    return Doc(
        doc_id=100001 + i,
        column=column,
        title=title,
        publish_date=day.isoformat(),
        paragraphs=(lead, *body),
        seed_text=seed_stem(prefix),
        publisher=f"{town}人民政府",
        index_no=f"411322{i % 90 + 10:03d}/{day.year}-{i + 1:05d}",
        doc_no=f"方政〔{day.year}〕{i % 97 + 1}号",
        encoding="gbk" if column in GBK_COLUMNS else "utf-8",
        traditional=traditional,
    )


def build_synthetic(revision: int, n_docs: int) -> list[Doc]:
    docs = [synthetic_doc(i) for i in range(n_docs)]
    added = replace(
        synthetic_doc(n_docs), publish_date=(SYNTHETIC_NEWEST + timedelta(days=1)).isoformat()
    )
    edit = edited(docs[0], 1)
    return revised(docs, revision, edit, docs[min(1, n_docs - 1)].doc_id, added)


# ---------------------------------------------------------------- the site


def build_site(revision: int = 1, portal: str = "sample", n_docs: int = 0) -> Site:
    """Every document of the portal at a revision, newest first, with its lookup tables."""
    if portal == "sample":
        docs, page_size = build_sample(revision), 3
    elif portal == "synthetic":
        n_docs = n_docs or DEFAULT_SYNTHETIC_DOCS
        if n_docs < 2:
            raise ValueError("the synthetic portal needs at least 2 documents")
        docs, page_size = build_synthetic(revision, n_docs), 20
    else:
        raise ValueError(f"portal must be 'sample' or 'synthetic', not {portal!r}")
    docs.sort(key=lambda d: (d.publish_date, d.doc_id), reverse=True)
    served = docs
    docs = [d for d in docs if d.listed]
    by_column = {column: tuple(d for d in docs if d.column == column) for column in COLUMNS}
    return Site(
        portal=portal,
        revision=revision,
        docs=tuple(docs),
        served=tuple(served),
        page_size=page_size,
        by_path={d.path: d for d in served},
        by_id={d.doc_id: d for d in served},
        by_column={column: column_docs for column, column_docs in by_column.items() if column_docs},
        column_position={d.doc_id: i for col in by_column.values() for i, d in enumerate(col)},
    )


def page_count(items: int, page_size: int) -> int:
    return max(1, -(-items // page_size))


def page_slice(docs: tuple[Doc, ...], page: int, page_size: int) -> tuple[Doc, ...]:
    return docs[page * page_size : (page + 1) * page_size]


def neighbours(site: Site, doc: Doc) -> tuple[Doc | None, Doc | None]:
    """上一篇 (newer) and 下一篇 (older) within the document's column."""
    if doc.doc_id not in site.column_position:  # off its lists: no neighbours
        return None, None
    column = site.by_column[doc.column]
    at = site.column_position[doc.doc_id]
    return (column[at - 1] if at > 0 else None, column[at + 1] if at + 1 < len(column) else None)
