"""Spherical helpers for building test points at exact distances from a start point."""

from __future__ import annotations

import math

from app.geo.coords import EARTH_RADIUS_M


def destination(lat: float, lng: float, bearing: float, distance_m: float) -> tuple[float, float]:
    """The point ``distance_m`` from the start along ``bearing`` (radians) on our earth sphere.

    The inverse of the haversine distance with the same radius, so a point made here is exactly
    ``distance_m`` away as the backends measure it (up to floating point).
    """
    phi1, lambda1 = math.radians(lat), math.radians(lng)
    delta = distance_m / EARTH_RADIUS_M
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lambda2)
