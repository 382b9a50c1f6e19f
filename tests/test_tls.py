"""TLS as county portals serve it: a self-signed certificate for the wrong host, old TLS versions."""

from __future__ import annotations

import datetime
import ssl
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from crawl_helpers import zwgk
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from archive import read

PAGE = """<html><head><meta charset="utf-8"><title>关于2024年预算公开的说明</title></head><body>
<h1>关于2024年预算公开的说明</h1><div class="content"><p>发布日期：2024-03-01</p>
<p>根据《中华人民共和国预算法》和政府信息公开条例的规定，现将本县2024年部门预算予以公开。</p>
<p>一般公共预算收入4717万元，比上年增长百分之六，主要用于教育、卫生和乡村振兴。</p></div>
</body></html>""".encode()


def self_signed(tmp_path, host: str = "wrong.example"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=800))
        .not_valid_after(now - datetime.timedelta(days=30))  # expired a month ago
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        body = PAGE if self.path.startswith("/zwgk/") else b"User-agent: *\nAllow: /\n"
        self.send_response(200)
        self.send_header(
            "Content-Type", "text/html; charset=utf-8" if body is PAGE else "text/plain"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def fetch(url: str, db, tmp_path):
    """`zwgk fetch` of one URL with no seeds, retrying fast."""
    return zwgk(
        "fetch",
        url,
        "--db",
        str(db),
        "--seeds",
        str(tmp_path / "none"),
        "--set",
        "ZWGK_RETRY_BACKOFF_BASE=0.05",
    )


def https_server(tmp_path, tls_version: ssl.TLSVersion | None = None):
    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if tls_version is not None:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():  # TLS 1.1 is deprecated: that is the point of the test
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = context.maximum_version = tls_version
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_address[1]}"


def test_expired_wrong_host_certificate_is_still_archived(tmp_path):
    server, base = https_server(tmp_path)
    try:
        db = tmp_path / "a.db"
        url = f"{base}/zwgk/202403/t20240301_1.html"
        done = fetch(url, db, tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        with read.open_archive(db) as arc:
            (version_row,) = arc.history(url)
        assert version_row.title == "关于2024年预算公开的说明"
        assert "一般公共预算收入4717万元" in version_row.text
    finally:
        server.shutdown()


def test_tls_1_1_only_portal_is_archived_or_recorded_with_the_tls_error(tmp_path):
    """pyOpenSSL's bundled OpenSSL may refuse TLS < 1.2 even at security level 0 (OpenSSL 4
    does): then the fetch must be a recorded failure naming the TLS error, never a silent loss."""
    try:
        server, base = https_server(tmp_path, ssl.TLSVersion.TLSv1_1)
    except ssl.SSLError as exc:  # pragma: no cover - this Python's OpenSSL cannot serve TLS 1.1
        pytest.skip(f"cannot serve TLS 1.1 here: {exc}")
    try:
        db = tmp_path / "a.db"
        url = f"{base}/zwgk/202403/t20240301_1.html"
        done = fetch(url, db, tmp_path)
        with read.open_archive(db) as arc:
            archived = arc.history(url)
            errors = [
                r["error"]
                for r in arc.conn.execute("SELECT error FROM fetches WHERE error IS NOT NULL")
            ]
        if archived:
            assert done.returncode == 0 and "一般公共预算收入4717万元" in archived[0].text
        else:
            assert done.returncode == 1 and f"not archived: {url}" in done.stderr
            assert any("SSL" in e or "protocol version" in e for e in errors), errors
    finally:
        server.shutdown()
