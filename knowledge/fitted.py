"""Reading the fitted models' files (answer_model.json, article_ranker.json, entry_ranker.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Optional, Sequence


def read_fitted(path: Path, features: Sequence[str]) -> Optional[Dict[str, Any]]:
    """The file's fields, or None when it is missing, unreadable or was fitted on features other
    than `features` (then it must be refitted rather than misread)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or tuple(data.get("features", ())) != tuple(features):
        return None
    return data
