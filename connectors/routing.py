"""Which Rasa replica handles a conversation: a consistent-hash ring plus short "down" marks.

Every turn of one sender_id must go to the same Rasa replica, because Rasa Open Source's
RedisLockStore is not race-free across replicas (docs/deployment.md). A ring with virtual
nodes keeps that assignment stable, and when a replica is removed only its own conversations
move (to the next replica on the ring), instead of nearly all of them as with `hash % n`.

Written here rather than taken from a library: hash_ring and consistent_hash are abandoned,
and uhashring would be one more dependency for what is a sorted list and a bisect.
"""

from __future__ import annotations

import bisect
import hashlib
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

VIRTUAL_NODES = 160


def _point(key: str) -> int:
    # 64 bits of SHA-256: uniform, and the same in every process (unlike Python's hash()).
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


class HashRing:
    """Nodes placed on a ring at `vnodes` points each; a key belongs to the next point."""

    def __init__(self, nodes: Sequence[str], vnodes: int = VIRTUAL_NODES) -> None:
        if not nodes:
            raise ValueError("a hash ring needs at least one node")
        self.nodes: List[str] = list(dict.fromkeys(nodes))
        points: List[Tuple[int, str]] = sorted(
            (_point(f"{node}#{i}"), node) for node in self.nodes for i in range(vnodes)
        )
        self._hashes = [p for p, _ in points]
        self._owners = [n for _, n in points]

    def preference(self, key: str) -> List[str]:
        """Every node once, in the order `key` should try them: owner first, then clockwise."""
        start = bisect.bisect(self._hashes, _point(key))
        order: List[str] = []
        seen = set()
        for offset in range(len(self._owners)):
            node = self._owners[(start + offset) % len(self._owners)]
            if node not in seen:
                seen.add(node)
                order.append(node)
                if len(order) == len(self.nodes):
                    break
        return order

    def owner(self, key: str) -> str:
        return self.preference(key)[0]


class ReplicaHealth:
    """Replicas that just failed are skipped for `cooldown` seconds, then tried again."""

    def __init__(self, cooldown: float, clock: Optional[Callable[[], float]] = None) -> None:
        self.cooldown = cooldown
        self._clock = clock or time.monotonic
        self._down_until: Dict[str, float] = {}

    def mark_down(self, node: str) -> None:
        self._down_until[node] = self._clock() + self.cooldown

    def mark_up(self, node: str) -> None:
        self._down_until.pop(node, None)

    def is_down(self, node: str) -> bool:
        until = self._down_until.get(node)
        if until is None:
            return False
        if until <= self._clock():
            del self._down_until[node]
            return False
        return True

    def order(self, preference: Sequence[str]) -> List[str]:
        """`preference` with replicas marked down moved to the end, as a last resort.

        They are still tried last, so a request is never refused merely because every replica
        failed once in the last few seconds."""
        up = [n for n in preference if not self.is_down(n)]
        return up + [n for n in preference if n not in up]
