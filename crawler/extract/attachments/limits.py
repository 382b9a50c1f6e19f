"""Bounds on what one attachment may cost. Read at call time (`limits.MAX_TEXT_CHARS`), so a
test or an operator can lower them."""

MAX_TEXT_CHARS = 2_000_000  # cap on extracted text per attachment
MAX_PDF_PAGES = 500  # pages read from one PDF
# Zip bombs: cap on the declared uncompressed size of one member, and of all members read.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
