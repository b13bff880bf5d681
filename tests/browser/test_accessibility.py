"""Every kind of page passes axe-core's WCAG 2.2 A/AA and best-practice rules, on a phone.

Many residents are elderly, on phones, some use screen readers. Each page is loaded in a real
Chromium at 320 × 640 CSS pixels (the narrowest phones still in use), in the standard and the
长辈版 (large text) display, and checked two ways: axe-core finds no violation of any impact,
and nothing makes the page scroll sideways. Pages reached through forms (a question screen,
results, the worker's household sheet) are reached by filling the forms, as a person would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.actions import press

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 320, "height": 640}
HOME = "520102"  # 贵阳市南明区


def _form(url: str, choice: str, *buttons: str, reached: str) -> Callable[[Page, str], None]:
    """Open ``url``, choose 南明区 in the ``choice`` list, press ``buttons`` in turn."""

    def go(page: Page, base: str) -> None:
        page.goto(base + url)
        page.select_option(choice, HOME)
        for button in buttons:
            press(page, button)
        page.locator(reached).first.wait_for()

    return go


def _path(path: str) -> Callable[[Page, str], None]:
    def go(page: Page, base: str) -> None:
        response = page.goto(base + path)
        assert response is not None

    return go


PAGES: dict[str, Callable[[Page, str], None]] = {
    "home": _path("/"),
    "services": _path("/services"),
    "service": _path("/services/minimum-living-allowance"),
    "area": _path("/areas/elderly"),
    "life event": _path("/life-events/birth"),
    "search": _path("/search?q=%E4%BD%8E%E4%BF%9D"),  # 低保
    "regions": _path("/regions"),
    "region": _path(f"/regions/{HOME}"),
    "about": _path("/about"),
    "eligibility start": _path("/eligibility"),
    "eligibility question": _form("/eligibility", "#region", "开始", reached="text=下一步"),
    "eligibility results": _form(
        "/eligibility", "#region", "开始", "先看结果", reached="text=结果仅供参考"
    ),
    "household sheet": _form(
        "/eligibility/household", "#region", "添加家庭成员", "判断整户", reached=".worker-results"
    ),
    "nearby": _path("/nearby"),
    "nearby by county": _form("/nearby", "#nearby-county", "查找", reached=".provider-card"),
    "providers": _path(f"/providers?region={HOME}"),
    "provider": _path("/providers/sample-000001"),
    "correction form": _path("/providers/sample-000001/correction"),
    "not found": _path("/no-such-page"),
}


def _elder(page: Page, base: str) -> None:
    page.goto(f"{base}/preferences?elder=1&next=/")
    assert page.evaluate("document.body.classList.contains('elder')")


@pytest.mark.parametrize("display", ["standard", "elder"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_on_a_phone(
    new_page: Callable[..., Page], site: str, axe: str, name: str, display: str
) -> None:
    # CSP allows no inline script; bypassing it lets the test inject axe, nothing else.
    page = new_page(viewport=PHONE, bypass_csp=True)
    if display == "elder":
        _elder(page, site)
    PAGES[name](page, site)
    page.add_script_tag(content=axe)
    found: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found["violations"]
    ]
    assert problems == []
    assert found["passes"], "axe ran its rules"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} scrolls sideways on a 320 px phone: {width}"


def test_keyboard_users_can_skip_to_the_content(new_page: Callable[..., Page], site: str) -> None:
    """The first Tab shows the skip link; Enter moves focus past the header to the content."""
    page = new_page(viewport=PHONE)
    page.goto(f"{site}/eligibility")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.textContent, document.activeElement.getBoundingClientRect().left]"
    )
    assert focused[0] == "跳到正文"
    assert focused[1] >= 0, "the skip link is on screen while focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), (
        "next stop is in the content"
    )
