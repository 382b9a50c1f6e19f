"""What the archive shows: transparency indicators per site, and `zwgk report`'s HTML.

    indicators.py   volume, survival, timeliness, completeness, annual report, health:
                    plain functions over the read API's records (archive/measures.py)
    survival.py     Kaplan–Meier, documents still present censored
    charts.py       Vega-Lite specifications of every chart (the report and `zwgk serve` share them)
    page.py         one self-contained HTML file: fleet table, one section per site
    bundle.py       the Vega JavaScript inlined into it (from vl-convert-python, cached)
    canned.py       the indicators as SQL: Datasette canned queries and dashboard charts

Definitions: docs/indicators.md.
"""
