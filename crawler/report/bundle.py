"""The Vega, Vega-Lite and vega-embed JavaScript that the report inlines (no CDN, no network).

vl-convert-python (the Vega project's own converter, on PyPI) ships the libraries and bundles
them on request; bundling takes seconds, so the result is cached per vl-convert version under
$XDG_CACHE_HOME/zwgk (default ~/.cache/zwgk). A cache that cannot be written is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

from crawler.exceptions import ZwgkError


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zwgk"


def vega_bundle() -> str:
    """One classic script defining window.vegaEmbed, window.vega and window.vegaLite."""
    try:
        import vl_convert
    except ImportError as exc:
        raise ZwgkError("vl-convert-python is not installed: pip install zwgk") from exc
    versions = f"{vl_convert.__version__}-vega{vl_convert.get_vega_version()}"
    path = cache_dir() / f"vega-bundle-{versions}.js"
    try:
        return path.read_text("utf-8")
    except OSError:
        pass
    text = vl_convert.javascript_bundle()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, "utf-8")
        partial.replace(path)  # atomic: a concurrent report never reads half a file
    except OSError:
        pass
    return text
