"""The embedded geo grid finds every point of a bounding box, whatever the box and points."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.geo.coords import EARTH_RADIUS_M, bounding_box, haversine_m
from app.search.embedded.geogrid import ROW_DEG, GeoGrid

latitudes = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
longitudes = st.floats(min_value=-179.9, max_value=179.9, allow_nan=False)
# Points clustered around a centre the way providers cluster around a county seat, plus
# some anywhere; NaN marks a document without a point.
offsets = st.floats(min_value=-0.2, max_value=0.2, allow_nan=False)


def _grid(points: list[tuple[float, float]]) -> GeoGrid:
    lats = np.array([p[0] for p in points], dtype=np.float64)
    lngs = np.array([p[1] for p in points], dtype=np.float64)
    return GeoGrid.build(lats, lngs)


@settings(max_examples=150, deadline=None)
@given(
    centre=st.tuples(latitudes, longitudes),
    near=st.lists(st.tuples(offsets, offsets), max_size=60),
    far=st.lists(st.tuples(latitudes, longitudes), max_size=20),
    unlocated=st.integers(min_value=0, max_value=3),
    radius_m=st.floats(min_value=0.0, max_value=3_000_000.0),
)
def test_every_point_inside_the_box_is_a_candidate(
    centre: tuple[float, float],
    near: list[tuple[float, float]],
    far: list[tuple[float, float]],
    unlocated: int,
    radius_m: float,
) -> None:
    lat, lng = centre
    points = [
        (max(-90.0, min(90.0, lat + dlat)), max(-180.0, min(180.0, lng + dlng)))
        for dlat, dlng in near
    ]
    points += far + [(math.nan, math.nan)] * unlocated
    grid = _grid(points)
    box = bounding_box(lat, lng, radius_m)

    cells = grid.in_box(box)
    found = grid.positions[cells].tolist()

    inside = {i for i, (plat, plng) in enumerate(points) if box.contains(plat, plng)}
    assert inside <= set(found)
    assert len(found) == len(set(found))  # no point twice
    for i in found:  # nothing from outside the box's rows or longitudes
        plat, plng = points[i]
        assert box.min_lng - 1e-6 <= plng <= box.max_lng + 1e-6
        assert box.min_lat - ROW_DEG <= plat <= box.max_lat + ROW_DEG


def test_distances_match_the_reference_haversine() -> None:
    points = [(26.5783, 106.7135), (26.6, 106.7), (27.7, 106.9), (25.1, 104.9)]
    grid = _grid(points)
    cells = np.arange(grid.size)
    distances = grid.distances_m(26.58, 106.71, cells, EARTH_RADIUS_M)
    for cell, distance in zip(cells.tolist(), distances.tolist(), strict=True):
        plat, plng = points[int(grid.positions[cell])]
        assert math.isclose(distance, haversine_m(26.58, 106.71, plat, plng), abs_tol=1e-6)


def test_points_without_coordinates_are_not_in_the_grid() -> None:
    grid = _grid([(26.5, 106.7), (math.nan, math.nan), (26.51, 106.71)])
    assert sorted(grid.positions.tolist()) == [0, 2]
    assert grid.in_box(bounding_box(0.0, 0.0, 1000.0)).size == 0
