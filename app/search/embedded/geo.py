"""Nearest providers in the embedded backend: bounding box on arrays, then exact haversine.

Measured on these machines, a numpy bounding-box mask followed by haversine on the survivors
answers a 5 km query over 50,000 points in tens of microseconds (performance-baselines.md).
The box is cut from a latitude-sorted copy of the points with two binary searches, so a query
touches only the points in its latitude band, not every point (the nearest-N rings repeat it).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from app.geo.coords import EARTH_RADIUS_M, bounding_box
from app.search.base import NearbyHit, NearbyRequest, NearbyResult
from app.search.embedded.engine import passes_filters
from app.search.embedded.index import IntArray, LoadedIndex

FloatArray = npt.NDArray[np.float64]
# Nearest-N without a radius widens a search circle from here, doubling, up to half the earth.
FIRST_RING_M = 2_000.0
MAX_RING_M = 20_000_000.0


def _haversine(lat: float, lng: float, lats: FloatArray, lngs: FloatArray) -> FloatArray:
    phi1, lam1 = np.radians(lat), np.radians(lng)
    phi2, lam2 = np.radians(lats), np.radians(lngs)
    h = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    )
    distances: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return distances


def _in_box(index: LoadedIndex, lat: float, lng: float, radius_m: float) -> IntArray:
    """Positions (ascending) of the located documents inside the radius's bounding box."""
    box = bounding_box(lat, lng, radius_m)
    points = index.geo_by_lat
    # Bounds included: first latitude >= min_lat up to the last latitude <= max_lat.
    low = int(np.searchsorted(points.lats, box.min_lat, side="left"))
    high = int(np.searchsorted(points.lats, box.max_lat, side="right"))
    lngs = points.lngs[low:high]
    if box.min_lng <= box.max_lng:
        inside = (lngs >= box.min_lng) & (lngs <= box.max_lng)
    else:  # the box crosses the antimeridian
        inside = (lngs >= box.min_lng) | (lngs <= box.max_lng)
    return np.sort(points.positions[low:high][inside])


def _within(
    index: LoadedIndex, request: NearbyRequest, radius_m: float
) -> tuple[IntArray, FloatArray]:
    candidates = _in_box(index, request.lat, request.lng, radius_m)
    if request.filters.any_of and candidates.size:
        candidates = candidates[passes_filters(index, request.filters, candidates)]
    distances = _haversine(
        request.lat, request.lng, index.geo_lat[candidates], index.geo_lng[candidates]
    )
    keep = distances <= radius_m
    return candidates[keep], distances[keep]


def nearby(index: LoadedIndex, request: NearbyRequest) -> NearbyResult:
    """Within ``radius_m`` (all of them, nearest first), or the nearest ``limit``."""
    if index.size == 0:
        return NearbyResult([], "embedded")
    if request.radius_m is not None:
        candidates, distances = _within(index, request, request.radius_m)
    else:
        ring = FIRST_RING_M
        while True:
            candidates, distances = _within(index, request, ring)
            if candidates.size >= request.limit or ring >= MAX_RING_M:
                break
            ring *= 2
    if 0 < request.limit < distances.size:
        # Only the candidates up to the limit-th smallest distance (ties included) can be in
        # the answer; sorting just those gives the same first ``limit`` as sorting them all.
        cutoff = np.partition(distances, request.limit - 1)[request.limit - 1]
        near = distances <= cutoff
        candidates, distances = candidates[near], distances[near]
    # Nearest first; equal distances by id (documents are stored in id order).
    order = np.lexsort((candidates, distances))[: request.limit]
    hits = [NearbyHit(index.documents[int(candidates[i])], float(distances[i])) for i in order]
    return NearbyResult(hits, "embedded")
