"""Anti-bot challenge pages: recognised, recorded as blocked fetches, never archived as documents.

Chinese government portals sit behind a few WAF families whose first answer to a crawler is a
JavaScript challenge, not the page. Archiving that as a document would replace a real text with
a script, so every response is checked here first.
"""

from __future__ import annotations

import re

# (reason, body pattern). A pattern alone is not enough: portals keep the WAF's script in real
# pages once the challenge is passed, so a match counts only on a challenge status or a page
# with no visible text.
_SIGNATURES: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("瑞数 (Rivers) JS challenge", re.compile(rb"\$_ts\s*=\s*window\[|\$_ts\.(?:cd|nsd)\s*=")),
    ("加速乐 (jiasule) cookie challenge", re.compile(rb"__jsl_clearance|__jsluid|jsl_clearance")),
    ("WZWS (创宇盾) cookie challenge", re.compile(rb"wzws_cid|WZWSREL|wzwschallenge", re.I)),
    ("安全狗 (safedog) block page", re.compile(rb"safedog|\xe5\xae\x89\xe5\x85\xa8\xe7\x8b\x97")),
    ("云锁 (yunsuo) challenge", re.compile(rb"yunsuo_session_verify|security_verify_data")),
    ("阿里云盾 (aliyun WAF) challenge", re.compile(rb"acw_sc__v2|aliyun_waf_")),
)
_CHALLENGE_STATUSES = frozenset({202, 412, 418, 468, 493, 521})
_SCRIPT_RE = re.compile(rb"<script\b[^>]*>(.*?)</script>", re.I | re.S)
_TAG_RE = re.compile(rb"<[^>]+>")
_JS_REDIRECT_RE = re.compile(
    rb"(?:document\.cookie|location\.(?:href|replace|reload)|window\.location)"
)


def detect_challenge(status: int, body: bytes) -> str | None:
    """A sentence naming the challenge if the response is one, else None.

    Only the first 64 KiB are examined: challenge pages are small, documents are not.
    """
    head = body[:65536]
    shell = _is_script_shell(head)
    challenge_status = status in _CHALLENGE_STATUSES
    for reason, pattern in _SIGNATURES:
        if (challenge_status or shell) and pattern.search(head):
            return f"{reason} (HTTP {status})"
    if status == 521 and b"document.cookie" in head:
        return "加速乐 (jiasule) cookie challenge (HTTP 521)"
    if challenge_status and shell:
        return f"JavaScript challenge (HTTP {status})"
    if status == 200 and len(body) < 8192 and shell and _JS_REDIRECT_RE.search(head):
        return "JavaScript-only shell that sets a cookie or redirects"
    return None


def _is_script_shell(head: bytes) -> bool:
    """Almost no visible text outside scripts."""
    visible = _TAG_RE.sub(b"", _SCRIPT_RE.sub(b"", head))
    return len(visible.strip()) < 200 and b"<script" in head.lower()
