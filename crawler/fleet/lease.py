"""Per-host leases: one worker crawls a host at a time, however many machines the fleet has.

A job's hosts (its seed's start URLs' hosts and allowed domains) are leased together, all or
none, by one script: `SET key owner PX ttl` on each, only if every key is free or already the
owner's — the `SET NX PX` rule made atomic over several hosts. The owner (`<worker> <job id>`)
renews them every third of the lease while it crawls; a worker that dies stops renewing and
its hosts are free once the lease runs out. When a crawl ends its leases become a cool-down of
the seed's download delay, so the next worker's first request to the host comes at least one
delay after the last answer — the politeness of one crawl, kept across workers.

Keys: `<prefix>:lease:<host>`, value the owner or `cooldown`.
"""

from __future__ import annotations

import valkey

# lease (or renew) every host, if each is free or ours already
_TAKE = """
for _, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder and holder ~= ARGV[1] then return 0 end
end
for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
return 1
"""
# give back what is ours: a cool-down of ARGV[2] ms, or nothing
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    if tonumber(ARGV[2]) > 0 then
      redis.call('SET', key, 'cooldown', 'PX', ARGV[2])
    else
      redis.call('DEL', key)
    end
  end
end
return 1
"""


class HostLeases:
    def __init__(self, client: valkey.Valkey, prefix: str = "zwgk") -> None:
        self.client = client
        self.prefix = prefix
        self._take = client.register_script(_TAKE)
        self._give_back = client.register_script(_GIVE_BACK)

    def keys(self, hosts) -> list[str]:
        return [f"{self.prefix}:lease:{h}" for h in sorted(set(hosts))]

    def take(self, hosts, owner: str, ttl_ms: int) -> bool:
        """Lease every host to `owner` for ttl_ms, or none of them (False: one is held)."""
        return bool(self._take(keys=self.keys(hosts), args=[owner, int(ttl_ms)]))

    def renew(self, hosts, owner: str, ttl_ms: int) -> bool:
        """Extend the owner's leases (taken again if they ran out meanwhile, as after a restart
        of the server); False when another owner holds one: the crawl must stop."""
        return self.take(hosts, owner, ttl_ms)

    def release(self, hosts, owner: str, cooldown_ms: int) -> None:
        self._give_back(keys=self.keys(hosts), args=[owner, max(0, int(cooldown_ms))])

    def holders(self, hosts) -> dict[str, tuple[str, int]]:
        """Host -> (holder, ms left) for the hosts held now."""
        found = {}
        for host, key in zip(sorted(set(hosts)), self.keys(hosts), strict=True):
            holder, left = self.client.get(key), self.client.pttl(key)
            if holder is not None:
                found[host] = (holder.decode("utf-8"), int(left))
        return found

    def all(self) -> dict[str, tuple[str, int]]:
        """Every lease held in the fleet: host -> (holder, ms left)."""
        start = len(self.prefix) + len(":lease:")
        hosts = [k.decode("utf-8")[start:] for k in self.client.scan_iter(f"{self.prefix}:lease:*")]
        return self.holders(hosts)
