"""Walk a cursor-paged list endpoint to its end (the API's keyset paging contract)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def walk_pages(
    client: TestClient, url: str, *, page_size: int, max_pages: int = 60, **params: Any
) -> list[dict[str, Any]]:
    """Every item of ``url`` with ``params``, following ``next_cursor``; fails if it never ends."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(max_pages):
        query = {**params, "limit": page_size, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("paging did not end")
