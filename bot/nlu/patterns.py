"""The fixed-format recognisers the NLU pipeline applies, as defined once in core.patterns."""

from core.patterns import Match, classify_eighteen, find_patterns

__all__ = ["Match", "classify_eighteen", "find_patterns"]
