"""What a person does on a page, in Playwright terms (shared by the browser tests)."""

from __future__ import annotations

from playwright.sync_api import Page


def press(page: Page, button: str) -> None:
    """Click a form's submit button by its text and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def answer(page: Page, name: str, value: object) -> None:
    """Put an answer into the form field ``name``: a choice, yes/no, or a number."""
    field = page.locator(f'[name="{name}"]')
    if isinstance(value, bool):
        field.select_option("true" if value else "false")
    elif isinstance(value, str):
        field.select_option(value)
    else:
        field.fill(str(value))
