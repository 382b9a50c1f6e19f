"""zwgk's versioned archive. `from archive import read` gives the public read API; this
package imports only the standard library and sqlite-utils, never Scrapy."""

from archive import read
from archive.exceptions import ArchiveError

__all__ = ["ArchiveError", "read"]
