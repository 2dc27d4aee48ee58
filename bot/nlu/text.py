"""The text normalisation the NLU pipeline applies, as defined once in core.text."""

from core.text import Normalized, has_content, normalize, normalize_text

__all__ = ["Normalized", "has_content", "normalize", "normalize_text"]
