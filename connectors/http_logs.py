"""httpx's request log line without query strings or conversation ids.

httpx logs every request's full URL at INFO. The WeChat API puts the app secret and the access
token in the query string, and Rasa's API its token, so the query is cut from those lines
wherever the gateway runs, whatever level the process logs at. Rasa's conversation URLs name
the user (a WeChat OpenID, a web chat session), so that part of the path is cut too.
"""

from __future__ import annotations

import logging
import re

import httpx

_CONVERSATION = re.compile(r"/conversations/[^/]+")


def _without_query(url: httpx.URL) -> httpx.URL:
    return url.copy_with(query=None, path=_CONVERSATION.sub("/conversations/-", url.path))


class _WithoutQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _without_query(arg) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


_FILTER = _WithoutQuery()


def hide_query_strings() -> None:
    """Install the filter on httpx's logger (once; calling again changes nothing)."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def error_summary(error: BaseException) -> str:
    """An HTTP failure for a log line: its type and status, never its text, which has the URL."""
    if isinstance(error, httpx.HTTPStatusError):
        return f"{type(error).__name__} status={error.response.status_code}"
    return type(error).__name__
