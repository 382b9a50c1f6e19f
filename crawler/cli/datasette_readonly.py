"""A Datasette plugin that `zwgk serve` loads (--plugins-dir): the archive is served read-only.

- every connection Datasette opens to the archive (reads and any write connection) runs with
  `PRAGMA query_only = ON`, so no statement can change it whatever a request asks;
- only GET, HEAD and OPTIONS are answered: a POST (to a canned query, an insert API, …) gets a
  plain 405 that says why, instead of reaching Datasette's write paths (or its 500).

This file is copied into a temporary plugins folder; it imports only Datasette.
"""

from datasette import hookimpl

ARCHIVE_DATABASE = "@@DATABASE@@"  # the served archive's Datasette name, filled in by zwgk serve
READ_ONLY = b"This archive is served read-only: only GET and HEAD requests are answered.\n"


@hookimpl
def prepare_connection(conn, database):
    if database == ARCHIVE_DATABASE:
        conn.execute("PRAGMA query_only = ON")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 405,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"allow", b"GET, HEAD, OPTIONS"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": READ_ONLY})
                return
            await app(scope, receive, send)

        return read_only

    return wrap
