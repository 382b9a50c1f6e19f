"""Bounds on what one attachment may cost. Read at call time (`limits.MAX_TEXT_CHARS`), so a
test or an operator can lower them."""

MAX_TEXT_CHARS = 2_000_000  # cap on extracted text per attachment
MAX_PDF_PAGES = 500  # pages read from one PDF
# Zip bombs: cap on the declared uncompressed size of one member, and of all members read.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
# Decompression bombs: a zip member declared to unpack to more than this many times its packed
# size, once past BOMB_MIN_BYTES, is refused unread (text XML packs 5-15 times, not hundreds).
MAX_PACK_RATIO = 100
BOMB_MIN_BYTES = 20 * 1024 * 1024
# A PDF is read in a child process (sandbox.py) that may use this much address space and CPU
# time; going over either refuses the file. The wall-clock bound is for a child that sleeps.
CHILD_MEMORY_BYTES = 400 * 1024 * 1024
CHILD_CPU_SECONDS = 60
CHILD_WALL_SECONDS = 180
