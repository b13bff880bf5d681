"""Opening hours against the official holiday calendar, with a pinned clock (``when`` explicit).

Reference dates are the State Council's holiday notices, as the ``chinese_calendar`` package
encodes them (its ``constants.py``, release 1.11.0), and as published by Xinhua:

* 2025 — 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12
  (Xinhua, e.g. https://m.gmw.cn/2024-11/12/content_1303894933.htm): 春节 1月28日–2月4日,
  1月26日（周日）、2月8日（周六）上班; 劳动节 5月1日–5日, 4月27日（周日）上班;
  国庆节、中秋节 10月1日–8日, 9月28日（周日）、10月11日（周六）上班.
* 2026 — 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04 (Xinhua,
  https://politics.gmw.cn/2025-11/04/content_38391083.htm; its document number was not found):
  元旦 1月1日–3日, 1月4日（周日）上班; 春节 2月15日–23日, 2月14日（周六）、2月28日（周六）
  上班; 劳动节 5月1日–5日, 5月9日（周六）上班; 国庆节 10月1日–7日, 9月20日（周日）、
  10月10日（周六）上班.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.geo.hours import (
    PACKAGE_CALENDAR,
    SHANGHAI,
    DayKind,
    HolidayCalendar,
    HolidayData,
    HolidayPolicy,
    MakeupPolicy,
    Schedule,
    ScheduleError,
    TimeRange,
    describe_exceptions,
    dump_schedule,
    hours_on,
    is_open_at,
    parse_schedule,
    render_schedule,
    status_at,
    status_label,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
WINDOW_HOURS = ["09:00-12:00", "14:00-17:30"]
WINDOW = parse_schedule(dict.fromkeys(WEEKDAYS, WINDOW_HOURS))  # a typical 政务服务 window


def at(text: str) -> datetime:
    """A pinned moment, Beijing time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# --- The calendar: what the notices say, as the package encodes it -------------------------

MAKEUP_WORKDAYS = {
    date(2025, 1, 26): "春节",
    date(2025, 2, 8): "春节",
    date(2025, 4, 27): "劳动节",
    date(2025, 9, 28): "国庆节",
    date(2025, 10, 11): "国庆节",
    date(2026, 1, 4): "元旦",
    date(2026, 2, 14): "春节",
    date(2026, 2, 28): "春节",
    date(2026, 5, 9): "劳动节",
    date(2026, 9, 20): "国庆节",
    date(2026, 10, 10): "国庆节",
}
HOLIDAY_PERIODS = [
    (date(2025, 1, 28), date(2025, 2, 4), "春节"),
    (date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
    (date(2025, 10, 1), date(2025, 10, 8), None),  # 国庆节、中秋节 combined
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]


def test_package_covers_2025_and_2026() -> None:
    assert PACKAGE_CALENDAR.covers(2025)
    assert PACKAGE_CALENDAR.covers(2026)
    assert min(PACKAGE_CALENDAR.years) == 2004


@pytest.mark.parametrize(("day", "name"), sorted(MAKEUP_WORKDAYS.items()))
def test_makeup_workdays_match_the_notices(day: date, name: str) -> None:
    assert day.weekday() >= 5  # every one a Saturday or Sunday
    official = PACKAGE_CALENDAR.day(day)
    assert official.kind is DayKind.MAKEUP_WORKDAY
    assert official.holiday_name == name


@pytest.mark.parametrize(("first", "last", "name"), HOLIDAY_PERIODS)
def test_holiday_periods_match_the_notices(first: date, last: date, name: str | None) -> None:
    day = first
    while day <= last:
        official = PACKAGE_CALENDAR.day(day)
        assert official.kind is DayKind.HOLIDAY, day
        if name is not None:
            assert official.holiday_name == name
        day += timedelta(days=1)
    assert PACKAGE_CALENDAR.day(first - timedelta(days=1)).kind is not DayKind.HOLIDAY
    assert PACKAGE_CALENDAR.day(last + timedelta(days=1)).kind is not DayKind.HOLIDAY


def test_ordinary_days() -> None:
    assert PACKAGE_CALENDAR.day(date(2026, 11, 30)).kind is DayKind.WORKDAY  # a Monday
    assert PACKAGE_CALENDAR.day(date(2026, 11, 28)).kind is DayKind.WEEKEND  # a Saturday
    assert DayKind.MAKEUP_WORKDAY.label == "调休上班日"


# --- The typical window ---------------------------------------------------------------------


def test_render_typical_window() -> None:
    assert render_schedule(WINDOW) == "周一至周五 9:00–12:00，14:00–17:30；法定节假日休息"


def test_makeup_working_sunday_2025_01_26_is_open() -> None:
    when = at("2025-01-26T10:00")
    assert when.weekday() == 6
    status = status_at(WINDOW, when)
    assert status.is_open is True
    assert status.closes_at == at("2025-01-26T12:00")
    assert status.opens_at == at("2025-01-26T14:00")
    assert status.day_kind is DayKind.MAKEUP_WORKDAY
    assert status.reason == "调休上班日（春节调休），按周一时间开放"
    assert status.holiday_data is HolidayData.KNOWN


def test_makeup_working_saturday_2026_10_10_is_open() -> None:
    when = at("2026-10-10T15:00")
    assert when.weekday() == 5
    status = status_at(WINDOW, when)
    assert status.is_open is True
    assert status.closes_at == at("2026-10-10T17:30")
    assert status_label(status, when) == "开放中，今天 17:30 结束"


def test_ordinary_saturday_is_closed_until_monday() -> None:
    status = status_at(WINDOW, at("2026-11-28T10:00"))
    assert status.is_open is False
    assert status.opens_at == at("2026-11-30T09:00")
    assert status.day_kind is DayKind.WEEKEND
    assert status.reason is None


def test_statutory_holiday_national_day_2026() -> None:
    when = at("2026-10-01T10:00")
    status = status_at(WINDOW, when)
    assert status.is_open is False
    assert status.day_kind is DayKind.HOLIDAY
    assert status.holiday_name == "国庆节"
    assert status.today_hours == ()
    # 10月1日–7日 off; 8 October 2026 is a Thursday, a working day.
    assert status.opens_at == at("2026-10-08T09:00")
    assert status.closes_at is None
    assert status_label(status, when) == "国庆节假期休息，10月8日 9:00 开放"


def test_closes_before_the_spring_festival_and_reopens_after_it_2026() -> None:
    # Saturday 14 February is a make-up workday; 15–23 February are the holiday.
    before = status_at(WINDOW, at("2026-02-14T17:00"))
    assert before.is_open is True
    assert before.closes_at == at("2026-02-14T17:30")
    assert before.opens_at == at("2026-02-24T09:00")


def test_national_day_and_mid_autumn_2025() -> None:
    status = status_at(WINDOW, at("2025-09-30T18:00"))
    assert status.opens_at == at("2025-10-09T09:00")
    assert status_at(WINDOW, at("2025-10-06T10:00")).holiday_name == "中秋节"


def test_lunch_break() -> None:
    morning = status_at(WINDOW, at("2026-11-30T11:00"))
    assert morning.is_open is True
    assert morning.closes_at == at("2026-11-30T12:00")
    assert morning.opens_at == at("2026-11-30T14:00")
    lunch = at("2026-11-30T12:30")
    status = status_at(WINDOW, lunch)
    assert status.is_open is False
    assert status.opens_at == at("2026-11-30T14:00")
    assert status_label(status, lunch) == "未开放，今天 14:00 开放"


def test_boundaries_are_half_open() -> None:
    assert is_open_at(WINDOW, at("2026-11-30T09:00")) is True
    assert is_open_at(WINDOW, at("2026-11-30T08:59:59")) is False
    assert is_open_at(WINDOW, at("2026-11-30T11:59:59")) is True
    assert is_open_at(WINDOW, at("2026-11-30T12:00")) is False


def test_closes_in_the_evening_opens_next_morning() -> None:
    evening = at("2026-11-30T18:00")
    status = status_at(WINDOW, evening)
    assert status.is_open is False
    assert status.opens_at == at("2026-12-01T09:00")
    assert status_label(status, evening) == "未开放，明天 9:00 开放"
    friday = status_at(WINDOW, at("2026-11-27T18:00"))
    assert friday.opens_at == at("2026-11-30T09:00")


def test_evening_venue_closes_at_night() -> None:
    venue = parse_schedule(
        {**{d: ["08:00-22:00"] for d in (*WEEKDAYS, "sat", "sun")}, "holidays": "open"}
    )
    assert render_schedule(venue) == "每天 8:00–22:00；法定节假日照常开放"
    late = status_at(venue, at("2026-10-03T21:00"))  # a holiday: open as usual
    assert late.is_open is True
    assert late.closes_at == at("2026-10-03T22:00")
    assert late.opens_at == at("2026-10-04T08:00")
    night = status_at(venue, at("2026-10-03T23:30"))
    assert night.is_open is False
    assert night.opens_at == at("2026-10-04T08:00")


def test_open_across_midnight_is_one_period() -> None:
    late = parse_schedule({"fri": ["20:00-24:00"], "sat": ["00:00-02:00", "09:00-12:00"]})
    status = status_at(late, at("2026-11-27T23:00"))
    assert status.is_open is True
    assert status.closes_at == at("2026-11-28T02:00")
    assert status.opens_at == at("2026-11-28T09:00")


def test_always_open_needs_no_holiday_data() -> None:
    always = parse_schedule(
        {
            **{d: ["00:00-24:00"] for d in (*WEEKDAYS, "sat", "sun")},
            "holidays": "open",
            "makeup_workdays": "ignore",
        }
    )
    assert render_schedule(always) == "每天 24小时；法定节假日照常开放"
    for when in (at("2026-10-01T03:00"), at("2099-05-01T12:00")):
        status = status_at(always, when)
        assert status.is_open is True
        assert status.closes_at is None
        assert status.holiday_data is HolidayData.KNOWN


# --- Exceptions -----------------------------------------------------------------------------

WITH_EXCEPTIONS = parse_schedule(
    {
        **dict.fromkeys(WEEKDAYS, WINDOW_HOURS),
        "exceptions": [
            {"date": "2026-12-01", "closed": True, "note": "系统升级，暂停办理"},
            {"date": "2026-10-03", "hours": ["09:00-12:00"], "note": "假期值班窗口"},
            {"date": "2026-12-04", "hours": ["09:00-11:00"]},
        ],
    }
)


def test_exception_closed_day() -> None:
    when = at("2026-12-01T10:00")
    status = status_at(WITH_EXCEPTIONS, when)
    assert status.is_open is False
    assert status.reason == "系统升级，暂停办理"
    assert status.opens_at == at("2026-12-02T09:00")
    assert status_label(status, when) == "系统升级，暂停办理，明天 9:00 开放"
    evening_before = status_at(WITH_EXCEPTIONS, at("2026-11-30T18:00"))
    assert evening_before.opens_at == at("2026-12-02T09:00")


def test_exception_hours_win_over_a_holiday() -> None:
    status = status_at(WITH_EXCEPTIONS, at("2026-10-03T10:00"))
    assert status.is_open is True
    assert status.day_kind is DayKind.HOLIDAY
    assert status.reason == "假期值班窗口"
    assert status.closes_at == at("2026-10-03T12:00")
    assert status.opens_at == at("2026-10-08T09:00")


def test_exception_special_hours() -> None:
    status = status_at(WITH_EXCEPTIONS, at("2026-12-04T11:30"))
    assert status.is_open is False
    assert status.reason == "临时调整开放时间"
    assert status.opens_at == at("2026-12-07T09:00")


def test_describe_exceptions() -> None:
    assert describe_exceptions(WITH_EXCEPTIONS, date(2026, 11, 28)) == [
        "12月1日（周二）休息：系统升级，暂停办理",
        "12月4日（周五）9:00–11:00",
    ]


# --- Policies --------------------------------------------------------------------------------


def test_holidays_open_follow_the_weekday() -> None:
    schedule = parse_schedule({**dict.fromkeys(WEEKDAYS, WINDOW_HOURS), "holidays": "open"})
    status = status_at(schedule, at("2026-10-01T10:00"))  # a Thursday
    assert status.is_open is True
    assert status.reason == "国庆节假期照常开放"
    assert status_at(schedule, at("2026-10-03T10:00")).is_open is False  # a Saturday


def test_makeup_closed() -> None:
    schedule = parse_schedule(
        {**dict.fromkeys(WEEKDAYS, WINDOW_HOURS), "makeup_workdays": "closed"}
    )
    status = status_at(schedule, at("2026-10-10T10:00"))
    assert status.is_open is False
    assert status.reason == "调休上班日（国庆节调休），休息"
    assert status.opens_at == at("2026-10-12T09:00")
    assert render_schedule(schedule).endswith("；调休上班日休息")


def test_makeup_ignore_keeps_saturday_hours() -> None:
    schedule = parse_schedule(
        {
            **dict.fromkeys(WEEKDAYS, WINDOW_HOURS),
            "sat": ["09:00-12:00"],
            "makeup_workdays": "ignore",
        }
    )
    assert is_open_at(schedule, at("2026-10-10T10:00")) is True
    assert is_open_at(schedule, at("2026-10-10T15:00")) is False


def test_makeup_weekday_chooses_whose_hours() -> None:
    schedule = parse_schedule(
        {
            **{key: ["09:00-17:00"] for key in ("mon", "tue", "wed", "thu")},
            "fri": ["09:00-12:00"],
            "makeup_weekday": "fri",
        }
    )
    assert is_open_at(schedule, at("2026-10-10T11:00")) is True
    assert is_open_at(schedule, at("2026-10-10T15:00")) is False
    assert render_schedule(schedule) == (
        "周一至周四 9:00–17:00；周五 9:00–12:00；法定节假日休息；调休上班日按周五时间（9:00–12:00）"
    )


# --- Years without holiday data --------------------------------------------------------------

FIRST_UNKNOWN_YEAR = max(PACKAGE_CALENDAR.years) + 1


def _first_weekday_of_march(year: int) -> date:
    day = date(year, 3, 1)
    while day.weekday() != 2:  # a Wednesday
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("year", [FIRST_UNKNOWN_YEAR, 2003, 2100])
def test_year_without_data_says_unknown(year: int) -> None:
    assert not PACKAGE_CALENDAR.covers(year)
    day = _first_weekday_of_march(year)
    when = datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=10)
    status = status_at(WINDOW, when)
    assert status.is_open is None
    assert status.holiday_data is HolidayData.UNKNOWN
    assert status.unknown_years == (year,)
    assert status.note is not None
    assert f"{year}年节假日安排尚未发布" in status.note
    assert status.opens_at is None
    assert status.closes_at is None
    assert status_label(status, when) == status.note
    assert is_open_at(WINDOW, when) is None
    assert hours_on(WINDOW, day).ranges is None


def test_unknown_year_at_night_is_closed_whatever_the_calendar() -> None:
    day = _first_weekday_of_march(FIRST_UNKNOWN_YEAR)
    when = datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=3)
    status = status_at(WINDOW, when)
    assert status.is_open is False  # closed at 03:00 on any kind of day
    assert status.opens_at is None  # but whether it opens at 09:00 is not known
    assert status.holiday_data is HolidayData.UNKNOWN


def test_last_known_day_before_an_unknown_year() -> None:
    # Only 2026's days known (as a calendar with no holidays at all would say): Thursday
    # 31 December 2026 is knowable, the next opening is not.
    calendar = HolidayCalendar({}, {}, years=[2026])
    status = status_at(WINDOW, at("2026-12-31T16:00"), calendar)
    assert status.is_open is True
    assert status.closes_at == at("2026-12-31T17:30")
    assert status.opens_at is None
    assert status.holiday_data is HolidayData.UNKNOWN
    assert status.unknown_years == (2027,)
    evening = status_at(WINDOW, at("2026-12-31T18:00"), calendar)
    assert evening.is_open is False
    assert evening.holiday_data is HolidayData.UNKNOWN


def test_known_answer_before_the_unknown_year_stays_known() -> None:
    calendar = HolidayCalendar({}, {}, years=[2026])
    status = status_at(WINDOW, at("2026-12-30T12:30"), calendar)
    assert status.opens_at == at("2026-12-30T14:00")
    assert status.holiday_data is HolidayData.KNOWN


def test_holiday_independent_schedule_is_known_in_any_year() -> None:
    schedule = parse_schedule(
        {**dict.fromkeys(WEEKDAYS, WINDOW_HOURS), "holidays": "open", "makeup_workdays": "ignore"}
    )
    day = _first_weekday_of_march(FIRST_UNKNOWN_YEAR)
    when = datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=10)
    status = status_at(schedule, when)
    assert status.is_open is True
    assert status.holiday_data is HolidayData.KNOWN
    assert status.day_kind is None


def test_a_year_added_from_the_notice() -> None:
    # Part of the 2026 notice typed in by hand, into a calendar that knew nothing.
    national_day = {date(2026, 10, d): "国庆节" for d in range(1, 8)}
    calendar = HolidayCalendar({}, {}, years=[]).with_year(
        2026, national_day, {date(2026, 10, 10): "国庆节"}
    )
    assert calendar.covers(2026)
    assert status_at(WINDOW, at("2026-10-01T10:00"), calendar).opens_at == at("2026-10-08T09:00")
    assert is_open_at(WINDOW, at("2026-10-10T10:00"), calendar) is True
    with pytest.raises(ValueError, match="2026"):
        calendar.with_year(2026, {date(2027, 1, 1): "元旦"}, {})
    with pytest.raises(ValueError, match="Saturdays or Sundays"):
        calendar.with_year(2026, {}, {date(2026, 10, 9): "国庆节"})


# --- Time zones ------------------------------------------------------------------------------


def test_any_time_zone_is_read_as_beijing_time() -> None:
    utc = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
    status = status_at(WINDOW, utc)
    assert status.is_open is True
    assert status.closes_at == at("2026-11-30T12:00")
    assert status.closes_at is not None
    assert status.closes_at.tzinfo is SHANGHAI


def test_schedule_refuses_overlapping_ranges_when_built_directly() -> None:
    morning, late_morning = TimeRange(540, 720), TimeRange(600, 780)
    with pytest.raises(ValueError, match="apart"):
        Schedule(week=((morning, late_morning), (), (), (), (), (), ()))
    with pytest.raises(ValueError, match="apart"):
        Schedule(week=((TimeRange(540, 720), TimeRange(720, 780)), (), (), (), (), (), ()))
    with pytest.raises(ValueError, match="bad time range"):
        TimeRange(720, 540)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        status_at(WINDOW, datetime(2026, 11, 30, 10, 0))


# --- Parsing and validation ----------------------------------------------------------------


def test_stored_form_round_trip() -> None:
    data = dump_schedule(WITH_EXCEPTIONS)
    assert data["mon"] == WINDOW_HOURS
    assert data["sat"] == []
    assert data["holidays"] == "closed"
    assert data["makeup_workdays"] == "as_weekday"
    assert data["exceptions"][0] == {
        "date": "2026-10-03",
        "hours": ["09:00-12:00"],
        "note": "假期值班窗口",
    }
    assert parse_schedule(data) == WITH_EXCEPTIONS


def test_defaults_are_a_typical_government_window() -> None:
    assert WINDOW.holidays is HolidayPolicy.CLOSED
    assert WINDOW.makeup_workdays is MakeupPolicy.AS_WEEKDAY
    assert WINDOW.makeup_weekday == 0
    assert WINDOW.week[5] == ()
    assert WINDOW.week[6] == ()


def test_lenient_spellings_are_normalised() -> None:
    schedule = parse_schedule(
        {"mon": ["9:00–12:00", "14：00 ~ 17:30"], "tue": None, "exceptions": None}
    )
    assert dump_schedule(schedule)["mon"] == WINDOW_HOURS
    assert schedule.week[1] == ()
    assert schedule.week[0] == (TimeRange(540, 720), TimeRange(840, 1050))


def test_yaml_dates_are_accepted() -> None:
    exceptions = [{"date": date(2026, 10, 8), "closed": True}]  # as yaml.safe_load gives it
    schedule = parse_schedule({"mon": ["09:00-12:00"], "exceptions": exceptions})
    assert schedule.exception_on(date(2026, 10, 8)) is not None


def test_midnight_handling() -> None:
    schedule = parse_schedule({"sat": ["00:00-24:00"]})
    assert schedule.week[5] == (TimeRange(0, 1440),)
    assert dump_schedule(schedule)["sat"] == ["00:00-24:00"]


def _problems(data: object) -> list[str]:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(data)
    assert str(caught.value) == "；".join(caught.value.problems)
    return list(caught.value.problems)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (["24:00-02:00"], "24:00 只能作为结束时间"),
        (["22:00-00:00"], "00:00 不能作为结束时间，到午夜请写 24:00"),
        (["17:30-09:00"], "结束时间早于开始时间；跨午夜的时段请拆成两段"),
        (["09:00-09:00"], "开始与结束时间相同"),
        (["09:00-12:00", "11:00-14:00"], "时段 09:00-12:00 与 11:00-14:00 重叠"),
        (["09:00-12:00", "12:00-14:00"], "首尾相接，请合并为 09:00-14:00"),
        (["9点-12点"], "「9点」不是有效时间"),
        (["24:30-25:00"], "不是有效时间（小时 0–24，分钟 00–59，24 点只能写 24:00）"),
        (["09:60-10:00"], "「09:60」不是有效时间"),
        (["09:00"], "格式应为 09:00-12:00"),
        (["09:00-10:00-11:00"], "格式应为 09:00-12:00"),
        ("09:00-12:00", "应为时间段列表"),
        ([9, 12], "应为时间段列表"),
        (["08:00-09:00"] * 7, "每天最多 6 个时段"),
    ],
)
def test_bad_hours_get_chinese_messages(hours: object, expected: str) -> None:
    problems = _problems({"mon": hours})
    assert len(problems) == 1
    assert problems[0].startswith("周一")
    assert expected in problems[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (["mon"], "开放时间应为对象"),
        ({"monday": []}, "未知字段「monday」"),
        ({"holidays": "sometimes"}, "holidays：「sometimes」无效，只能是 closed 或 open"),
        ({"makeup_workdays": "open"}, "只能是 as_weekday 或 closed 或 ignore"),
        ({"makeup_weekday": "sat2"}, "makeup_weekday：「sat2」无效"),
        ({"exceptions": {"date": "2026-10-08"}}, "exceptions：应为列表"),
        ({"exceptions": ["2026-10-08"]}, "exceptions 第1项：应为对象"),
        ({"exceptions": [{"date": "2026-02-30", "closed": True}]}, "日期「2026-02-30」不存在"),
        ({"exceptions": [{"date": "20261008", "closed": True}]}, "应写成 2026-10-08"),
        ({"exceptions": [{"date": "2026-10-08"}]}, '请写 "closed": true'),
        ({"exceptions": [{"date": "2026-10-08", "closed": False}]}, '请写 "closed": true'),
        ({"exceptions": [{"date": "2026-10-08", "closed": "yes"}]}, "closed 只能是 true 或 false"),
        ({"exceptions": [{"date": "2026-10-08", "hours": []}]}, "hours 不能为空"),
        (
            {"exceptions": [{"date": "2026-10-08", "closed": True, "hours": ["09:00-10:00"]}]},
            "closed 与 hours 只能写一个",
        ),
        ({"exceptions": [{"date": "2026-10-08", "closed": True, "why": "x"}]}, "未知字段「why」"),
        (
            {"exceptions": [{"date": "2026-10-08", "hours": ["12:00-09:00"]}]},
            "exceptions 第1项（2026-10-08）第1段「12:00-09:00」：结束时间早于开始时间",
        ),
        (
            {"exceptions": [{"date": "2026-10-08", "closed": True}] * 2},
            "日期 2026-10-08 重复",
        ),
    ],
)
def test_bad_schedules_get_chinese_messages(data: object, expected: str) -> None:
    assert any(expected in p for p in _problems(data)), _problems(data)


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems({"mon": ["17:00-09:00"], "tue": ["x"], "holidays": "no", "extra": 1})
    assert len(problems) == 4


# --- Rendering -------------------------------------------------------------------------------


def test_render_groups_days() -> None:
    schedule = parse_schedule(
        {
            **{key: ["09:00-17:00"] for key in ("mon", "wed")},
            **{key: ["09:00-12:00"] for key in ("tue", "thu", "fri")},
            "sat": ["09:00-12:00"],
        }
    )
    assert render_schedule(schedule) == (
        "周一、周三 9:00–17:00；周二、周四至周六 9:00–12:00；法定节假日休息；"
        "调休上班日按周一时间（9:00–17:00）"
    )
    weekend: dict[str, object] = {
        "sat": ["10:00-16:00"],
        "sun": ["10:00-16:00"],
        "holidays": "open",
    }
    assert render_schedule(parse_schedule(weekend)) == (
        "周六、周日 10:00–16:00；法定节假日照常开放；调休上班日休息"  # the default, made visible
    )
    weekend["makeup_workdays"] = "ignore"
    assert render_schedule(parse_schedule(weekend)) == "周六、周日 10:00–16:00；法定节假日照常开放"
    assert render_schedule(parse_schedule({})) == "暂无固定开放时间"


# --- Properties ------------------------------------------------------------------------------

_minutes = st.integers(min_value=0, max_value=1440)


@st.composite
def day_ranges(draw: st.DrawFn) -> list[str]:
    cuts = sorted(draw(st.sets(_minutes, max_size=8)))
    pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    # keep a gap between ranges, as the validator wants
    kept: list[tuple[int, int]] = []
    for a, b in pairs:
        if not kept or a > kept[-1][1]:
            kept.append((a, b))
    return [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in kept[:6]]


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    data: dict[str, object] = {key: draw(day_ranges()) for key in (*WEEKDAYS, "sat", "sun")}
    data["holidays"] = draw(st.sampled_from(["closed", "open"]))
    data["makeup_workdays"] = draw(st.sampled_from(["as_weekday", "closed", "ignore"]))
    data["makeup_weekday"] = draw(st.sampled_from([*WEEKDAYS, "sat", "sun"]))
    return parse_schedule(data)


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)


@given(schedules())
def test_property_stored_form_round_trip(schedule: Schedule) -> None:
    assert parse_schedule(dump_schedule(schedule)) == schedule


@settings(max_examples=200)
@given(schedules(), moments)
def test_property_status_is_consistent(schedule: Schedule, when: datetime) -> None:
    status = status_at(schedule, when)
    assert status.holiday_data is HolidayData.KNOWN
    assert status.is_open is is_open_at(schedule, when)
    second = timedelta(seconds=1)
    if status.closes_at is not None:
        assert status.is_open
        assert status.closes_at > when
        assert is_open_at(schedule, status.closes_at - second) is True
        assert is_open_at(schedule, status.closes_at) is False
    if status.opens_at is not None:
        assert status.opens_at > when
        assert is_open_at(schedule, status.opens_at) is True
        assert is_open_at(schedule, status.opens_at - second) is False
        if not status.is_open:
            # closed all the way from now to the next opening (sampled hourly)
            probe = when
            while probe < status.opens_at - second:
                assert is_open_at(schedule, probe) is False
                probe += timedelta(hours=1)
