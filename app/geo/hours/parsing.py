"""Reading and writing the stored schedule form, with Chinese problems for editors."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeVar

from app.geo.hours.schedule import (
    DAY_KEYS,
    MAX_EXCEPTIONS,
    MAX_RANGES_PER_DAY,
    MINUTES_PER_DAY,
    WEEKDAY_NAMES,
    DateException,
    DayRanges,
    HolidayPolicy,
    MakeupPolicy,
    Schedule,
    TimeRange,
)


class ScheduleError(ValueError):
    """A stored schedule that does not validate; ``problems`` are Chinese sentences."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(self.problems))


_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|－|~|～|至)\s*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS: Final = frozenset(
    {*DAY_KEYS, "holidays", "makeup_workdays", "makeup_weekday", "exceptions"}
)
_EXCEPTION_KEYS: Final = frozenset({"date", "closed", "hours", "note"})
_SPLIT_HINT: Final = "跨午夜的时段请拆成两段，如 22:00-24:00 和次日 00:00-06:00"


class _Bad(Exception):
    """One problem with one value (internal: collected into a ScheduleError)."""


def _parse_time(text: str) -> int:
    match = _TIME.match(text)
    if match is None:
        raise _Bad(f"「{text}」不是有效时间，应写成 09:00 这样的形式")
    hour, minute = int(match[1]), int(match[2])
    if hour > 24 or minute > 59 or (hour == 24 and minute != 0):
        raise _Bad(f"「{text}」不是有效时间（小时 0–24，分钟 00–59，24 点只能写 24:00）")
    return hour * 60 + minute


def _parse_range(text: str) -> TimeRange:
    parts = _RANGE_SEPARATOR.split(text.strip())
    if len(parts) != 2:
        raise _Bad("格式应为 09:00-12:00")
    start, end = _parse_time(parts[0]), _parse_time(parts[1])
    if start == MINUTES_PER_DAY:
        raise _Bad("24:00 只能作为结束时间，开始请写 00:00")
    if end == 0:
        raise _Bad(f"00:00 不能作为结束时间，到午夜请写 24:00；{_SPLIT_HINT}")
    if end == start:
        raise _Bad("开始与结束时间相同")
    if end < start:
        raise _Bad(f"结束时间早于开始时间；{_SPLIT_HINT}")
    return TimeRange(start, end)


def _parse_ranges(value: object, label: str, problems: list[str]) -> DayRanges:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems.append(f'{label}：应为时间段列表，如 ["09:00-12:00", "14:00-17:30"]；休息写 []')
        return ()
    if len(value) > MAX_RANGES_PER_DAY:
        problems.append(f"{label}：每天最多 {MAX_RANGES_PER_DAY} 个时段")
        return ()
    ranges: list[TimeRange] = []
    for index, text in enumerate(value, start=1):
        try:
            ranges.append(_parse_range(text))
        except _Bad as bad:
            problems.append(f"{label}第{index}段「{text}」：{bad}")
    ranges.sort()
    for earlier, later in itertools.pairwise(ranges):
        if later.start < earlier.end:
            problems.append(f"{label}：时段 {earlier} 与 {later} 重叠")
        elif later.start == earlier.end:
            merged = TimeRange(earlier.start, max(earlier.end, later.end))
            problems.append(f"{label}：时段 {earlier} 与 {later} 首尾相接，请合并为 {merged}")
    return tuple(ranges)


_E = TypeVar("_E", bound=StrEnum)


def _parse_choice(value: object, enum: type[_E], key: str, problems: list[str]) -> _E | None:
    if isinstance(value, str) and value in {e.value for e in enum}:
        return enum(value)
    allowed = " 或 ".join(e.value for e in enum)
    problems.append(f"{key}：「{value}」无效，只能是 {allowed}")
    return None


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        raise _Bad("日期不应带时间，应写成 2026-10-08")
    if isinstance(value, date):
        return value  # YAML reads an unquoted 2026-10-08 as a date
    if not isinstance(value, str) or _ISO_DATE.match(value) is None:
        raise _Bad(f"日期「{value}」应写成 2026-10-08 这样的形式")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"日期「{value}」不存在") from None


def _parse_exception(item: object, label: str, problems: list[str]) -> DateException | None:
    if not isinstance(item, Mapping):
        problems.append(f'{label}：应为对象，如 {{"date": "2026-10-08", "closed": true}}')
        return None
    for key in item:
        if key not in _EXCEPTION_KEYS:
            problems.append(f"{label}：未知字段「{key}」（可用：date、closed、hours、note）")
    try:
        day = _parse_date(item.get("date"))
    except _Bad as bad:
        problems.append(f"{label}：{bad}")
        return None
    label = f"{label}（{day.isoformat()}）"
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(f"{label}：note 应为文字")
        note = None
    closed, hours = item.get("closed"), item.get("hours")
    if closed is not None and not isinstance(closed, bool):
        problems.append(f"{label}：closed 只能是 true 或 false")
        return None
    if closed and hours is not None:
        problems.append(f"{label}：closed 与 hours 只能写一个")
        return None
    if closed:
        return DateException(day, (), note or None)
    if hours is None:
        problems.append(f'{label}：请写 "closed": true（全天休息）或 "hours": [...]（特殊时间）')
        return None
    count = len(problems)
    ranges = _parse_ranges(hours, label, problems)
    if len(problems) > count:
        return None
    if not ranges:
        problems.append(f'{label}：hours 不能为空，全天休息请写 "closed": true')
        return None
    return DateException(day, ranges, note or None)


def _parse_exceptions(value: object, problems: list[str]) -> tuple[DateException, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        problems.append("exceptions：应为列表")
        return ()
    if len(value) > MAX_EXCEPTIONS:
        problems.append(f"exceptions：最多 {MAX_EXCEPTIONS} 项")
        return ()
    found: dict[date, DateException] = {}
    for index, item in enumerate(value, start=1):
        exception = _parse_exception(item, f"exceptions 第{index}项", problems)
        if exception is None:
            continue
        if exception.day in found:
            problems.append(f"exceptions：日期 {exception.day.isoformat()} 重复")
            continue
        found[exception.day] = exception
    return tuple(sorted(found.values(), key=lambda e: e.day))


def parse_schedule(data: object) -> Schedule:
    """Validate and read the stored form; raise :class:`ScheduleError` listing every problem."""
    if not isinstance(data, Mapping):
        raise ScheduleError(['开放时间应为对象，如 {"mon": ["09:00-12:00"]}'])
    problems: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(
                f"未知字段「{key}」（可用：mon…sun、holidays、makeup_workdays、"
                "makeup_weekday、exceptions）"
            )
    week = tuple(
        _parse_ranges(data.get(key), WEEKDAY_NAMES[i], problems) for i, key in enumerate(DAY_KEYS)
    )
    holidays = _parse_choice(data.get("holidays", "closed"), HolidayPolicy, "holidays", problems)
    makeup = _parse_choice(
        data.get("makeup_workdays", "as_weekday"), MakeupPolicy, "makeup_workdays", problems
    )
    makeup_key = data.get("makeup_weekday", "mon")
    if makeup_key not in DAY_KEYS:
        problems.append(f"makeup_weekday：「{makeup_key}」无效，只能是 {'、'.join(DAY_KEYS)}")
    exceptions = _parse_exceptions(data.get("exceptions"), problems)
    if problems or holidays is None or makeup is None or makeup_key not in DAY_KEYS:
        raise ScheduleError(problems)
    mon, tue, wed, thu, fri, sat, sun = week
    return Schedule(
        week=(mon, tue, wed, thu, fri, sat, sun),
        holidays=holidays,
        makeup_workdays=makeup,
        makeup_weekday=DAY_KEYS.index(str(makeup_key)),
        exceptions=exceptions,
    )


def dump_schedule(schedule: Schedule) -> dict[str, object]:
    """The stored form of a schedule; :func:`parse_schedule` reads it back unchanged."""
    data: dict[str, object] = {
        key: [str(r) for r in ranges] for key, ranges in zip(DAY_KEYS, schedule.week, strict=True)
    }
    data["holidays"] = schedule.holidays.value
    data["makeup_workdays"] = schedule.makeup_workdays.value
    data["makeup_weekday"] = DAY_KEYS[schedule.makeup_weekday]
    exceptions: list[dict[str, object]] = []
    for e in schedule.exceptions:
        item: dict[str, object] = {"date": e.day.isoformat()}
        if e.closed:
            item["closed"] = True
        else:
            item["hours"] = [str(r) for r in e.ranges]
        if e.note:
            item["note"] = e.note
        exceptions.append(item)
    data["exceptions"] = exceptions
    return data
