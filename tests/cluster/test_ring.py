"""The hash ring: stable assignment, minimal movement, failover order, down marks."""

from __future__ import annotations

from collections import Counter

from connectors.routing import HashRing, ReplicaHealth

REPLICAS = ["http://rasa-0:5005", "http://rasa-1:5005", "http://rasa-2:5005"]
SENDERS = [f"web:user{i:05d}" for i in range(3000)]


def test_assignment_is_stable_across_ring_instances() -> None:
    first, second = HashRing(REPLICAS), HashRing(list(reversed(REPLICAS)))
    assert all(first.owner(s) == second.owner(s) for s in SENDERS)


def test_load_is_spread_over_every_replica() -> None:
    counts = Counter(HashRing(REPLICAS).owner(s) for s in SENDERS)
    assert set(counts) == set(REPLICAS)
    # Virtual nodes keep each share near a third.
    assert all(0.25 < n / len(SENDERS) < 0.42 for n in counts.values())


def test_removing_a_replica_moves_only_its_conversations() -> None:
    full, reduced = HashRing(REPLICAS), HashRing(REPLICAS[:2])
    moved = [s for s in SENDERS if full.owner(s) != reduced.owner(s)]
    assert moved, "the removed replica owned no conversation"
    assert all(full.owner(s) == REPLICAS[2] for s in moved)


def test_failover_goes_to_the_next_replica_on_the_ring() -> None:
    full, reduced = HashRing(REPLICAS), HashRing(REPLICAS[:2])
    for sender in SENDERS[:500]:
        order = full.preference(sender)
        assert sorted(order) == sorted(REPLICAS)
        if order[0] == REPLICAS[2]:
            # Where a conversation fails over is where it would live without that replica.
            assert order[1] == reduced.owner(sender)


def test_a_replica_marked_down_is_tried_last_until_its_cooldown_ends() -> None:
    now = [0.0]
    health = ReplicaHealth(cooldown=10, clock=lambda: now[0])
    preference = HashRing(REPLICAS).preference("web:someone")
    health.mark_down(preference[0])
    assert health.order(preference) == preference[1:] + preference[:1]
    now[0] = 10.5
    assert health.order(preference) == preference
