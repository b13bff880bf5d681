"""Domain errors, free of HTTP; :mod:`app.http_errors` maps them to status codes.

QianfuError
├── NotFound            a code that names nothing (service, region, area …)
├── InvalidCursor       a pagination cursor we did not issue
└── SeedError           (app.seedfiles.load) the seed data has problems
"""

from __future__ import annotations


class QianfuError(Exception):
    """Base of every expected, explainable failure; ``code`` is stable for API clients."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(QianfuError):
    """The requested thing does not exist."""

    def __init__(self, kind: str, label: str, *, field: str | None = None) -> None:
        self.code = f"{kind}_not_found"
        super().__init__(f"未找到{label}", field=field)


class InvalidCursor(QianfuError):
    """A ``cursor`` parameter that this server did not issue, or that was altered."""

    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__("分页游标无效，请从第一页重新开始", field="cursor")
