"""Which service a message names, by the service's name or one of its aliases (services.yml).

The longest name the message contains wins: "注销营业执照" names the deregistration, not the bare
"营业执照" of the licence. People also say a verb-object alias the other way round ("营业执照注销",
"居住证补办"); such a turned-round alias counts when one of its two halves is itself a name the
message contains, so it refines that name rather than matching two loose words ("居住证地址变更"
does not name 变更地址, the company's change of address). Of equally long names, the one said
last wins: the end of a Chinese phrase carries its head ("申请营业执照注销" asks to deregister).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from core.text import normalize_text
from knowledge.schema import Entry

# A half of a turned-round alias is at least this long: "办" + "营业执照" is no other order.
MIN_HALF = 2


def bare(text: str) -> str:
    return normalize_text(text).lower()


@dataclass(frozen=True)
class Named:
    service: str
    term: str  # the name or alias as the service list writes it
    end: int  # where in the message the name ends

    @property
    def length(self) -> int:
        return len(self.term)


class ServiceNames:
    """Every service's name and aliases, found in a message once per call."""

    def __init__(self, pairs: Iterable[Tuple[str, str]]) -> None:
        # (name or alias, service), the longest first.
        self.terms: List[Tuple[str, str]] = sorted(
            {(bare(term), service) for term, service in pairs if len(term) >= MIN_HALF},
            key=lambda pair: len(pair[0]),
            reverse=True,
        )

    def found(self, text: str) -> List[Named]:
        """Every name the message says, as written or turned round, the best first."""
        said = bare(text)
        literal = [
            Named(service, term, said.find(term) + len(term))
            for term, service in self.terms
            if term in said
        ]
        present = {named.term for named in literal}
        turned = []
        for term, service in self.terms:
            for cut in range(MIN_HALF, len(term) - MIN_HALF + 1):
                head, tail = term[:cut], term[cut:]
                other_way = tail + head
                if other_way in said and (head in present or tail in present):
                    end = said.find(other_way) + len(other_way)
                    turned.append(Named(service, term, end))
                    break
        return sorted(literal + turned, key=lambda n: (n.length, n.end), reverse=True)

    def named(self, text: str) -> Optional[str]:
        """The service the message names, or None."""
        found = self.found(text)
        return found[0].service if found else None

    def refined(self, text: str, service: str) -> str:
        """`service` (named by NLU), or the one a longer name in the message makes of it:
        NLU reads "营业执照注销" as the licence, the words name its deregistration."""
        found = self.found(text)
        if not found or found[0].service == service:
            return service
        own = [n for n in found if n.service == service]
        if own and found[0].length > own[0].length and own[0].term in found[0].term:
            return found[0].service
        return service


def service_pairs(entries: Sequence[Entry]) -> List[Tuple[str, str]]:
    """(name or alias, service) for every service the entries are about."""
    from knowledge.store import load_services

    known = {e.service for e in entries if e.service}
    pairs = [
        (term, s.name) for s in load_services() if s.name in known for term in (s.name, *s.aliases)
    ]
    return pairs + [(name, name) for name in known]
