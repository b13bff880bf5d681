"""The county → city → province → national rule, without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.catalogue.resolve import in_force, pick

CHAIN = ["520102", "520100", "520000"]
D = dt.date


@dataclass(frozen=True)
class V:
    region_code: str | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    label: str = ""


def test_in_force_bounds_are_inclusive_exclusive() -> None:
    value = V(None, D(2024, 1, 1), D(2025, 1, 1))
    assert not in_force(value, D(2023, 12, 31))
    assert in_force(value, D(2024, 1, 1))
    assert in_force(value, D(2024, 12, 31))
    assert not in_force(value, D(2025, 1, 1))
    assert in_force(V(None), D(1900, 1, 1))


def test_most_specific_level_wins() -> None:
    values = [
        V(None, label="n"),
        V("520000", label="p"),
        V("520100", label="c"),
        V("520102", label="x"),
    ]
    assert pick(values, CHAIN, D(2025, 1, 1)) == (values[3], "current")
    assert pick(values[:3], CHAIN, D(2025, 1, 1)) == (values[2], "current")
    assert pick(values[:2], CHAIN, D(2025, 1, 1)) == (values[1], "current")
    assert pick(values[:1], CHAIN, D(2025, 1, 1)) == (values[0], "current")


def test_other_regions_are_ignored() -> None:
    assert pick([V("520200")], CHAIN, D(2025, 1, 1)) is None


def test_newest_start_wins_within_a_level() -> None:
    old, new = V("520000", D(2020, 1, 1), label="old"), V("520000", D(2024, 1, 1), label="new")
    assert pick([old, new], CHAIN, D(2025, 1, 1)) == (new, "current")
    assert pick([old, new], CHAIN, D(2022, 1, 1)) == (old, "current")


def test_current_beats_a_more_specific_ended_value() -> None:
    ended_county = V("520102", D(2020, 1, 1), D(2021, 1, 1))
    province = V("520000")
    assert pick([ended_county, province], CHAIN, D(2022, 1, 1)) == (province, "current")


def test_ended_value_is_returned_as_superseded_when_nothing_is_current() -> None:
    old = V(None, D(2021, 4, 20), D(2023, 8, 9))
    assert pick([old], CHAIN, D(2024, 1, 1)) == (old, "superseded")
    assert pick([V(None, D(2030, 1, 1))], CHAIN, D(2024, 1, 1)) is None, "future values are ignored"
