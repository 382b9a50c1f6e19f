"""Typed errors of the fleet (distributed mode); the CLI turns them into one line each."""

from crawler.exceptions import ZwgkError


class FleetError(ZwgkError):
    """The queue server cannot be reached or used, the spool cannot be written, a shard is
    unreadable: what went wrong, where, and what to do."""
