"""Keep personal data out of uvicorn's access log.

Eligibility answers and a resident's location are personal information (个人信息保护法):
answers belong in POST bodies, and a location arrives as ``lat``/``lng`` in a query string.
For those routes the access-log line keeps method, path and status but loses the query string
and the client address, so no log file can place a person on a map.
"""

from __future__ import annotations

import logging

PRIVATE_PREFIXES = (
    "/api/v1/eligibility",
    "/eligibility",
    "/api/v1/providers/nearby",
    "/nearby",
)


class AccessLogRedaction(logging.Filter):
    """Redact uvicorn's ``client - "METHOD path HTTP/x" status`` line for private routes."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop query string and client from a private route's line; keep every line."""
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path = args[2]
            if path.startswith(PRIVATE_PREFIXES):
                record.args = ("-", args[1], path.split("?", 1)[0], args[3], args[4])
        return True


def install_access_log_redaction() -> None:
    """Attach the filter to ``uvicorn.access`` once per process."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogRedaction) for f in access.filters):
        access.addFilter(AccessLogRedaction())
