"""Each exchange as it happened, for the WARC export: the request headers as sent (after every
downloader middleware) and every redirect hop (crawler/history/warc.py writes them out).

Plain functions over Scrapy's Request/Headers, and the downloader middleware that records them
in the request's meta (no reactor import: the spider imports this module)."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request

from archive.records import RedirectHop, utcnow

SENT = "zwgk_request_headers"  # meta: the request's headers as sent
HOPS = "zwgk_redirects"  # meta: the redirect hops that led to this request


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")  # what Scrapy sends a non-ASCII User-Agent as
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def header_dict(headers) -> dict[str, str]:
    """Scrapy Headers as a plain dict (values of a repeated header joined with ', '; bytes read
    as UTF-8, else Latin-1)."""
    return {_text(k): _text(b", ".join(v)) for k, v in headers.items()}


def sent_headers(request: Request) -> dict[str, str]:
    """The request's headers once every downloader middleware has added its own, plus the Host
    the HTTP client adds."""
    headers = header_dict(request.headers)
    if not any(k.lower() == "host" for k in headers):
        headers = {"Host": urlsplit(request.url).netloc, **headers}
    return headers


def hops_before(
    meta: dict, url: str | None = None, status: int | None = None
) -> tuple[RedirectHop, ...]:
    """The redirect hops recorded for a request, without the final response itself (a 3xx that
    was not followed reaches the spider as the response)."""
    found = tuple(meta.get(HOPS, ()))
    if found and found[-1].url == url and found[-1].status == status:
        found = found[:-1]
    return found


class CaptureMiddleware:
    """Records each exchange as it happened. Its process_request runs after every other
    middleware's (the headers are then final); its process_response runs first, so it sees a
    redirect before RedirectMiddleware follows it (the hop list travels in the new request's
    meta)."""

    def process_request(self, request: Request, spider=None) -> None:
        request.meta[SENT] = sent_headers(request)

    def process_response(self, request: Request, response, spider=None):
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and response.status != 304 and location:
            hop = RedirectHop(
                url=request.url,
                status=response.status,
                location=location.decode("latin-1", "replace"),
                request_headers=request.meta.get(SENT) or sent_headers(request),
                response_headers=header_dict(response.headers),
                fetched_at=utcnow(),
            )
            request.meta[HOPS] = [*request.meta.get(HOPS, ()), hop]
        return response
