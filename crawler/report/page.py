"""`zwgk report`'s HTML: one self-contained file, readable offline.

A fleet table (sortable: click a heading) with each site's indicators and a sparkline, then one
section per site: volume, survival, timeliness and completeness charts, its columns, its health,
and its latest deletions with their evidence and the archived text. Charts are Vega-Lite specs
(charts.py) in one inline JSON block, drawn as SVG by the inlined Vega bundle (bundle.py) when
they scroll into view, so a fleet of thousands of sites opens at once.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape

from crawler.report import charts
from crawler.report.indicators import SiteIndicators, months_before, parse_day

TEXT_LIMIT = 5000  # characters of a deleted document's text shown in the report
SPARK_MONTHS = 24

STYLE = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 2rem 4rem;color:#222}
h1{font-size:1.5rem;margin:1.2rem 0 .2rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
h3{margin:1.2rem 0 .4rem;font-size:1.05rem}.meta{color:#666}
table{border-collapse:collapse;margin:.4rem 0}th,td{padding:3px 8px;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}td.n,th.n{text-align:right}
table.sortable th{cursor:pointer;background:#f4f4f4}
table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem}figure{margin:0}figcaption{font-weight:600}
.chart{min-width:560px;min-height:200px}.spark{width:120px;height:24px}
.bad{color:#b00}.good{color:#070}.late{color:#c60}pre{white-space:pre-wrap;max-width:60rem}
details{margin:.3rem 0}summary{cursor:pointer;color:#036}
"""

SCRIPT = """
(function(){
  const specs = JSON.parse(document.getElementById('zwgk-charts').textContent);
  function draw(el){
    if(!el.zwgkDrawn){
      el.zwgkDrawn = vegaEmbed(el, specs[el.dataset.chart], {renderer: 'svg', actions: false})
        .catch(function(e){ el.textContent = 'chart not drawn: ' + e; console.error(e); });
    }
    return el.zwgkDrawn;
  }
  const all = Array.from(document.querySelectorAll('[data-chart]'));
  window.zwgkDrawAll = function(){ return Promise.all(all.map(draw)); };
  window.addEventListener('beforeprint', window.zwgkDrawAll);
  if('IntersectionObserver' in window){
    const seen = new IntersectionObserver(function(entries){
      entries.forEach(function(e){ if(e.isIntersecting){ seen.unobserve(e.target); draw(e.target); } });
    }, {rootMargin: '800px'});
    all.forEach(function(el){ seen.observe(el); });
  } else { window.zwgkDrawAll(); }
  document.querySelectorAll('table.sortable th').forEach(function(th, col){
    th.addEventListener('click', function(){
      const body = th.closest('table').tBodies[0];
      const up = th.getAttribute('aria-sort') !== 'ascending';
      th.closest('tr').querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      const key = function(tr){ const v = tr.cells[col].dataset.value; const n = parseFloat(v);
        return th.classList.contains('n') ? (isNaN(n) ? -Infinity : n) : (v || ''); };
      Array.from(body.rows).sort(function(a, b){ const x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); }).forEach(function(r){ body.appendChild(r); });
    });
  });
  function openTarget(){ const t = location.hash && document.getElementById(location.hash.slice(1));
    if(t && t.tagName === 'DETAILS'){ t.open = true; } }
  window.addEventListener('hashchange', openTarget); openTarget();
})();
"""


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def cell(text: str, value: object = None, numeric: bool = False) -> str:
    sort = "" if value is None else f' data-value="{escape(str(value))}"'
    return f"<td{' class=n' if numeric else ''}{sort}>{text}</td>"


def recent_months(counts: dict[str, int], end: date, n: int = SPARK_MONTHS) -> dict[str, int]:
    """The `n` months up to `end`'s month, with the counts of `counts` (0 where absent)."""
    start = months_before(end.replace(day=1), n - 1)
    months = []
    year, month = start.year, start.month
    for _ in range(n):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {m: counts.get(m, 0) for m in months}


class Page:
    """Collects chart specs while the HTML is written; `render()` returns the whole file."""

    def __init__(self, title: str, bundle: str) -> None:
        self.title = title
        self.bundle = bundle
        self.specs: dict[str, dict] = {}

    def chart(self, key: str, spec: dict, css: str = "chart") -> str:
        self.specs[key] = spec
        return f'<div class="{css}" data-chart="{escape(key)}"></div>'

    def render(self, sites: list[SiteIndicators], archive_name: str, generated: str) -> str:
        as_of = max((s.as_of for s in sites), default="–")
        documents = sum(s.documents for s in sites)
        body = [
            f"<h1>{escape(self.title)}</h1>",
            f'<p class="meta">archive {escape(archive_name)} · {len(sites)} sites · {documents} '
            f"documents · as of {escape(as_of[:19])} · generated {escape(generated)} by zwgk report "
            "· definitions: docs/indicators.md</p>",
            self.fleet_table(sites),
            *(self.site_section(s) for s in sites),
        ]
        specs = json.dumps(self.specs, ensure_ascii=False, separators=(",", ":"))
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(self.title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body)
            + '\n<script type="application/json" id="zwgk-charts">'
            + specs.replace("</", "<\\/")
            + "</script>\n<script>"
            + self.bundle.replace("</script", "<\\/script")
            + "</script>\n<script>"
            + SCRIPT
            + "</script>\n</body></html>\n"
        )

    def fleet_table(self, sites: list[SiteIndicators]) -> str:
        heads = [
            ("site", ""), ("documents", "n"), ("live", "n"), ("gone", "n"),
            ("gone within 1 year", "n"), ("gone within 2 years", "n"),
            ("median days 成文→发布", "n"), ("median days 发布→采集", "n"),
            ("completeness", "n"), ("annual report", ""), ("failed runs", "n"),
            ("blocked pages", "n"), ("silent columns", "n"), ("published per month", ""),
        ]  # fmt: skip
        rows = []
        for s in sites:
            a = s.annual_report
            css = {"on time": "good", "late": "late", "missing": "bad"}[a.status]
            spark = recent_months(s.volume.published, parse_day(s.as_of) or date.today())
            rows.append(
                "<tr>"
                + cell(
                    f'<a href="#site-{escape(s.site_id)}">{escape(s.site_id)}</a><br>'
                    f'<span class="meta">{escape(s.name)}</span>',
                    s.site_id,
                )
                + cell(str(s.documents), s.documents, True)
                + cell(str(s.live), s.live, True)
                + cell(str(s.survival.gone), s.survival.gone, True)
                + cell(pct(s.survival.gone_1y), s.survival.gone_1y, True)
                + cell(pct(s.survival.gone_2y), s.survival.gone_2y, True)
                + cell(
                    num(s.timeliness.median_written_to_published),
                    s.timeliness.median_written_to_published,
                    True,
                )  # fmt: skip
                + cell(
                    num(s.timeliness.median_published_to_seen),
                    s.timeliness.median_published_to_seen,
                    True,
                )  # fmt: skip
                + cell(pct(s.completeness.mean), s.completeness.mean, True)
                + cell(f'<span class="{css}">{a.year}: {a.status}</span>', f"{a.status} {a.year}")
                + cell(str(s.health.runs_failed), s.health.runs_failed, True)
                + cell(str(s.health.blocked), s.health.blocked, True)
                + cell(str(len(s.health.silent_columns)), len(s.health.silent_columns), True)
                + cell(self.chart(f"spark-{s.site_id}", charts.sparkline_chart(spark), "spark"))
                + "</tr>"
            )
        head = "".join(f'<th class="{css}">{escape(h)}</th>' for h, css in heads)
        return (
            '<h2 id="fleet">Fleet overview</h2>'
            f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>'
            + "\n".join(rows)
            + "</tbody></table>"
        )

    def site_section(self, s: SiteIndicators) -> str:
        sid = s.site_id
        t, c, a, h = s.timeliness, s.completeness, s.annual_report, s.health
        report = f"{a.year} (due {a.deadline}): <b>{a.status}</b>" + (
            f" — {escape(a.title or '')}, published {a.published}" if a.url else ""
        )
        figures = [
            f"{s.documents} documents, {s.live} live, {s.survival.gone} deleted or unlisted",
            f"gone within 1 year {pct(s.survival.gone_1y)}, within 2 years {pct(s.survival.gone_2y)} "
            f"(Kaplan–Meier, longest follow-up {num(s.survival.curve.followup)} days)",
            f"median days 成文日期→发布日期 {num(t.median_written_to_published)} "
            f"({len(t.written_to_published)} documents), 发布日期→first captured "
            f"{num(t.median_published_to_seen)} ({len(t.published_to_seen)} published since the first crawl)",
            "completeness " + ", ".join(f"{escape(k)} {pct(v)}" for k, v in c.shares.items()),
            f"annual report {report}",
        ]
        return (
            f'<section class="site" id="site-{escape(sid)}">'
            f"<h2>{escape(s.name)} <small class=meta>({escape(sid)})</small></h2>"
            f'<p class="meta">as of {escape(s.as_of[:19])}</p>'
            "<ul>"
            + "".join(f"<li>{f}</li>" for f in figures)
            + "</ul>"
            + (self.charts(s) if s.documents else "<p>no documents archived: no charts</p>")
            + columns_table(s)
            + health_list(h)
            + deletions_table(s)
            + "</section>"
        )

    def charts(self, s: SiteIndicators) -> str:
        sid = s.site_id
        return (
            '<div class="charts">'
            f"<figure><figcaption>Volume: documents per month</figcaption>"
            f"{self.chart(f'volume-{sid}', charts.volume_chart(s.volume))}</figure>"
            f"<figure><figcaption>Survival: share still available</figcaption>"
            f"{self.chart(f'survival-{sid}', charts.survival_chart(s.survival))}</figure>"
            f"<figure><figcaption>Timeliness: days</figcaption>"
            f"{self.chart(f'timeliness-{sid}', charts.timeliness_chart(s.timeliness))}</figure>"
            f"<figure><figcaption>Completeness</figcaption>"
            f"{self.chart(f'completeness-{sid}', charts.completeness_chart(s.completeness))}"
            "</figure></div>"
        )


def columns_table(s: SiteIndicators) -> str:
    silent = {c.name: c for c in s.health.silent_columns}
    rows = [
        f"<tr><td>{escape(c.name)}</td><td class=n>{c.total}</td>"
        f"<td>{'<span class=bad>silent</span>' if c.name in silent else ''}</td></tr>"
        for c in s.volume.columns
    ]
    return (
        "<h3>Columns (栏目): documents listed</h3><table><thead><tr><th>column</th>"
        "<th class=n>documents</th><th></th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def health_list(h) -> str:
    silent = "".join(
        f"<li>{escape(c.name)} — newest document {c.last_activity} "
        f'<span class="meta">{escape(c.url)}</span></li>'
        for c in h.silent_columns
    )
    return (
        "<h3>Health</h3><ul>"
        f"<li>runs: {h.runs}, failed: <b>{h.runs_failed}</b>, latest: {escape(h.last_outcome or '–')}</li>"
        f"<li>pages blocked by anti-bot challenges: <b>{h.blocked}</b> "
        f"({h.blocked_last_run} in the latest run)</li>"
        f"<li>columns silent for more than 6 months: <b>{len(h.silent_columns)}</b> of {h.columns}"
        + (f"<ul>{silent}</ul>" if silent else "")
        + "</li></ul>"
    )


def deletions_table(s: SiteIndicators) -> str:
    if not s.deletions:
        return "<h3>Recent deletions</h3><p>none recorded</p>"
    rows, texts, shown = [], [], set()
    for d in s.deletions:
        anchor = f"text-{d.document_id}"
        evidence = "; ".join(f"{escape(str(k))}: {escape(str(v))}" for k, v in d.evidence.items())
        rows.append(
            f"<tr><td>{escape(d.at[:19])}</td><td>{escape(d.event)}</td>"
            f"<td>{escape(d.reason or '')}<br><span class=meta>{evidence}</span></td>"
            f"<td>{escape(d.title or '(no title)')}<br><span class=meta>{escape(d.url)}</span></td>"
            f"<td>{escape(d.status)}</td>"
            f'<td><a href="#{anchor}">archived text</a></td></tr>'
        )
        if anchor not in shown:
            shown.add(anchor)
            more = len(d.text) - TEXT_LIMIT
            rest = f"\n… {more} more characters: zwgk history {d.url}" if more > 0 else ""
            texts.append(
                f'<details id="{anchor}"><summary>archived text: {escape(d.title or d.url)}'
                f"</summary><pre>{escape(d.text[:TEXT_LIMIT] + rest)}</pre></details>"
            )
    return (
        "<h3>Recent deletions</h3><table><thead><tr><th>when</th><th>event</th><th>evidence</th>"
        "<th>document</th><th>now</th><th></th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + "".join(texts)
    )


def render_report(
    sites: list[SiteIndicators], archive_name: str, generated: str, bundle: str
) -> str:
    """The whole report as one HTML document."""
    return Page("政务公开 transparency indicators", bundle).render(sites, archive_name, generated)
