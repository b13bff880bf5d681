"""One nearby result, written as a dictionary (the pages) or as pre-serialised JSON (the API).

Both forms are built from the same three field functions, so they cannot drift apart; the
JSON form keeps each document's unchanging runs in the backend's memo (see
``NearbyResult.memo``) and is byte for byte ``orjson.dumps`` of the dictionary (tested).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from app.domain import VERIFICATION_LABELS, VerificationStatus
from app.geo.coords import CoordType, from_storage
from app.providers.documents import provider_summary
from app.providers.opening import (
    OpeningState,
    opening_state_at,
    opening_state_by_key,
    schedule_key,
)


def _rounded(lat: float, lng: float, coordtype: CoordType) -> tuple[float, float]:
    out_lat, out_lng = from_storage(lat, lng, coordtype)
    return round(out_lat, 6), round(out_lng, 6)


# A provider's point in GCJ-02/BD-09 never changes, and converting it (a dozen trigonometric
# calls in Python) costs more than the rest of a nearby hit; the same providers come back for
# every query around them. Keyed by the stored point, so the answer is the function's own.
_converted = lru_cache(maxsize=32_768)(_rounded)


def point_out(lat: float | None, lng: float | None, coordtype: CoordType) -> dict[str, Any] | None:
    """A stored point in the caller's system (None stays None: "位置待核实")."""
    if lat is None or lng is None:
        return None
    if coordtype is CoordType.WGS84 or not lat or not lng:  # (0.0 and -0.0 share a cache key)
        out_lat, out_lng = _rounded(lat, lng, coordtype)
    else:
        out_lat, out_lng = _converted(lat, lng, coordtype)
    return {"lat": out_lat, "lng": out_lng, "coordtype": coordtype.value}


_LABELS_BY_CODE = {status.value: label for status, label in VERIFICATION_LABELS.items()}


def verification_of(doc: dict[str, Any]) -> dict[str, Any]:
    """The public verification block from a provider document."""
    code = doc.get("verification") or "unverified"
    label = _LABELS_BY_CODE.get(code)
    if label is None:  # not a status we know: the enum says so (ValueError), as it always did
        label = VERIFICATION_LABELS[VerificationStatus(code)]
    return {
        "status": code,
        "label": label,
        "checked_on": doc.get("verified_on"),
        "note": None,
    }


def hit_out(
    doc: dict[str, Any],
    distance_m: float,
    coordtype: CoordType,
    minute: dt.datetime,
    state: OpeningState | None = None,
) -> dict[str, Any]:
    """One nearby result: who, where, how far, whether open, and whether it is sample data.

    ``minute`` is the page's clock from :func:`shanghai_minute`; ``state`` its opening state
    when the caller already has it.
    """
    if state is None:
        state = opening_state_at(doc.get("hours"), doc.get("status", "open"), minute)
    return {
        **_head(doc),
        "location": point_out(doc.get("lat"), doc.get("lng"), coordtype),
        "distance_m": round(distance_m),
        **_middle(doc),
        "open_now": state.open_now,
        "opens_at": state.opens_at,
        "closes_at": state.closes_at,
        "hours_label": state.label,
        **_tail(doc),
    }


# A result's fields in order, in three unchanging runs around the two that depend on the
# query (where: location and distance; when: the opening state). Keep hit_out and hit_json
# built from these same functions, so they cannot drift apart.
_head = provider_summary


def _middle(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "phone": doc.get("phone"),
        "inclusive": doc.get("inclusive"),
        "status": doc.get("status", "open"),
    }


def _tail(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "services": doc.get("services", []),
        "verification": verification_of(doc),
        "sample": bool(doc.get("sample", False)),
        "url": f"/providers/{doc['id']}",
    }


class _Card(NamedTuple):
    """A document's unchanging parts of a nearby result: three JSON runs, and what its
    opening state is computed from (a tuple of immutable values: the collector skips it)."""

    head: bytes  # {"id": … "county": {…}
    middle: bytes  # "phone": … "status": …
    tail: bytes  # "services": … "url": …}
    schedule: bytes | None  # opening.schedule_key of its hours
    status: str


def _runs(doc: dict[str, Any]) -> tuple[bytes, bytes, bytes]:
    return (
        orjson.dumps(_head(doc))[:-1],
        orjson.dumps(_middle(doc))[1:-1],
        orjson.dumps(_tail(doc))[1:],
    )


def _card(doc: dict[str, Any]) -> _Card:
    return _Card(*_runs(doc), schedule_key(doc.get("hours")), doc.get("status", "open"))


def _card_of(doc: dict[str, Any], memo: dict[str, Any]) -> _Card:
    card: _Card | None = memo.get(doc["id"])
    if card is None:
        card = memo[doc["id"]] = _card(doc)
    return card


def opening_state_of(
    doc: dict[str, Any], minute: dt.datetime, memo: dict[str, Any] | None
) -> OpeningState:
    """A provider's opening state at ``minute``, from its card when ``memo`` keeps one."""
    if memo is None:
        return opening_state_at(doc.get("hours"), doc.get("status", "open"), minute)
    card = _card_of(doc, memo)
    return opening_state_by_key(card.schedule, card.status, minute)


@lru_cache(maxsize=32_768)
def _location_json(lat: float, lng: float, coordtype: CoordType) -> bytes:
    return b'"location":' + orjson.dumps(point_out(lat, lng, coordtype))


def hit_json(
    doc: dict[str, Any],
    distance_m: float,
    coordtype: CoordType,
    state: OpeningState,
    memo: dict[str, Any] | None,
) -> orjson.Fragment:
    """:func:`hit_out` already serialised, its unchanging runs kept in ``memo`` by id.

    Why: a page touches 20 documents spread over a large index, and writing each as a
    dictionary and then serialising it walks every small string of every document twice
    (measured in-process at 50,000 providers: 0.26 ms of a 0.68 ms request). A document's
    card is three contiguous byte strings, built once per worker.
    """
    # (without a memo — Meilisearch — the opening state was worked out by the caller: no card)
    head, middle, tail = _runs(doc) if memo is None else _card_of(doc, memo)[:3]
    lat, lng = doc.get("lat"), doc.get("lng")
    if lat is None or lng is None:
        location = b'"location":null'
    elif not lat or not lng:  # 0.0 and -0.0 would share a cache key (see point_out)
        location = b'"location":' + orjson.dumps(point_out(lat, lng, coordtype))
    else:
        location = _location_json(lat, lng, coordtype)
    when = orjson.dumps(
        {
            "open_now": state.open_now,
            "opens_at": state.opens_at,
            "closes_at": state.closes_at,
            "hours_label": state.label,
        }
    )
    return orjson.Fragment(
        b"".join(
            (
                head,
                b",",
                location,
                b',"distance_m":',
                str(round(distance_m)).encode(),
                b",",
                middle,
                b",",
                when[1:-1],
                b",",
                tail,
            )
        )
    )
