"""Who is on the other end: the client address, believing X-Forwarded-For only from our proxies.

uvicorn runs with proxy headers off (bot/gateway/__main__.py), so `request.client` is the peer
that opened the connection. When that peer is one of TRUSTED_PROXIES, the client is the last
address in X-Forwarded-For that is not one of them: proxies append what they saw, so every
address left of that one was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress
from typing import Sequence, Tuple, Union

from starlette.requests import HTTPConnection

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def parse_networks(spec: str) -> Tuple[Network, ...]:
    """Comma-separated addresses or CIDRs; a bad entry is an error at start-up, not a hole."""
    networks = []
    for part in (p.strip() for p in spec.split(",")):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as error:
                raise ValueError(f"not an address or CIDR: {part!r}") from error
    return tuple(networks)


def in_networks(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def peer_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else ""


def client_address(connection: HTTPConnection, trusted: Sequence[Network]) -> str:
    """The address the limits count: the peer, or what a trusted proxy says it saw."""
    peer = peer_address(connection)
    if not in_networks(peer, trusted):
        return peer
    forwarded = ",".join(connection.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if in_networks(hop, trusted):
            continue
        # The first hop our proxy did not vouch for: an address, or the proxy appended nothing.
        return hop if _is_address(hop) else peer
    return hops[0] if hops else peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
