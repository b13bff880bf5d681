"""What residents and community workers do, in a real browser.

- the worker's household sheet prints on one A4 page (the print stylesheet, measured in the
  PDF Chromium makes, for the benchmark's pinned 4-person household and for an empty one);
- the resident questionnaire reaches its results with JavaScript off, and no answer ever
  appears in an address;
- "使用我的位置" finds nearby providers from the browser's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from bench.eligibility import PINNED
from tests.browser.actions import answer, press

PAGE_OBJECT = re.compile(rb"/Type\s*/Page\b(?!s)")


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A fresh page in a context of its own."""
    return new_page()


def _printed_pages(page: Page) -> int:
    page.emulate_media(media="print")
    return len(PAGE_OBJECT.findall(page.pdf(format="A4")))


def test_pinned_household_sheet_prints_on_one_page(page: Page, site: str) -> None:
    page.goto(f"{site}/eligibility/household")
    page.select_option("#region", PINNED["region"])  # required before any submit
    members = PINNED["household"]["members"]
    for _ in members[1:]:
        press(page, "添加家庭成员")
    for fact, value in PINNED["household"]["facts"].items():
        answer(page, f"h.{fact}", value)
    for index, member in enumerate(members):
        page.locator(f'[name="m{index}.role"]').select_option(member["role"])
        for fact, value in member["facts"].items():
            answer(page, f"m{index}.{fact}", value)
    press(page, "判断整户")
    assert "?" not in page.url, "answers travel in the POST body only"
    assert _printed_pages(page) == 1
    sheet = page.locator(".sheet")  # as printed (print media stays on)
    rows = [row.split("\t") for row in sheet.locator("tbody tr").all_inner_texts()]
    assert ["职工基本养老保险", "可能符合"] in [row[:2] for row in rows], rows
    pension = next(row for row in rows if row[0] == "职工基本养老保险")
    assert pension[2] == "成员1（申请人）、成员2（配偶）、成员3（父母）"
    printed = sheet.inner_text()
    assert "暂不符合" in printed
    assert "依据" in printed
    disclaimer = page.locator(".sheet-head .disclaimer").inner_text()
    assert disclaimer == "结果仅供参考，以主管部门审核认定为准。"


def test_unanswered_household_sheet_still_prints_on_one_page(page: Page, site: str) -> None:
    page.goto(f"{site}/eligibility/household")
    page.select_option("#region", "520102")
    press(page, "判断整户")
    assert "需要补充的情况" in page.locator(".sheet").inner_text()
    assert _printed_pages(page) == 1


def test_questionnaire_reaches_results_without_javascript(
    new_page: Callable[..., Page], site: str
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(f"{site}/eligibility")
    page.select_option("#region", "520102")
    press(page, "开始")
    screens = 0
    while page.get_by_role("button", name="不清楚/跳过").count():
        assert re.search(r"\?|#", page.url) is None, "no answer in the address"
        press(page, "不清楚/跳过")
        screens += 1
        assert screens <= 40, "the questionnaire ends"
    headings = page.locator("h2").all_inner_texts()
    assert any(h.startswith("还需要了解更多情况") for h in headings), headings
    assert page.url == f"{site}/eligibility"


def test_use_my_location_lists_nearby_providers(new_page: Callable[..., Page], site: str) -> None:
    # A point in 南明区, where the demo generator places sample providers around the seat.
    page = new_page(
        geolocation={"latitude": 26.5768, "longitude": 106.7145}, permissions=["geolocation"]
    )
    page.goto(f"{site}/nearby")
    button = page.get_by_role("button", name="使用我的位置")
    assert button.is_visible(), "the script reveals the button when the browser can locate"
    with page.expect_navigation() as navigation:
        button.click()
    assert "lat=" in navigation.value.url, "the position went to the server once"
    assert "lat=" not in page.url, "and the browser's history does not keep it"
    assert "lng=" not in page.url
    cards = page.locator(".provider-card")
    assert cards.count() > 0
    assert "示例" in cards.first.inner_text()
    assert re.search(r"(\d+ ?米|[\d.]+ ?公里)", cards.first.inner_text())
