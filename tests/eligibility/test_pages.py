"""The questionnaire and the household page work end to end with plain form POSTs (no JS)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient

PERSON = {
    "person.age": "72",
    "person.employment": "retired",
    "person.hukou_region": "520102",
    "person.hukou_type": "urban",
    "person.pension_contribution_years": "31",
}
TICKED = {
    "person.in_employee_pension",
    "person.in_employee_medical",
    "person.reached_retirement_age",
}


def _post(client: TestClient, pairs: list[tuple[str, str]]) -> Any:
    """POST a form with repeated fields, as a browser does."""
    return client.post(
        "/eligibility",
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def _soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def _form(soup: BeautifulSoup) -> Tag:
    form = soup.find("form", action="/eligibility")
    assert isinstance(form, Tag)
    assert form["method"] == "post"
    return form


def _hidden(form: Tag) -> list[tuple[str, str]]:
    """The hidden fields of a form, as a browser would send them."""
    return [
        (str(f["name"]), str(f.get("value", ""))) for f in form.find_all("input", type="hidden")
    ]


def _answer(form: Tag) -> list[tuple[str, str]]:
    """Fill the screen like a resident would: hidden fields as they are, answers from PERSON."""
    data = _hidden(form)
    screen = [str(f["value"]) for f in form.find_all("input", attrs={"name": "screen"})]
    for name in screen:
        fact = name.split(".", 1)[1]
        control = form.find("input", attrs={"name": name, "type": "checkbox"})
        if control is not None:
            if fact in TICKED:
                data.append((name, "true"))
            continue
        data.append((name, PERSON.get(fact, "?")))
    data.append(("action", "next"))
    return data


def test_questionnaire_end_to_end(client: TestClient) -> None:
    visitor = TestClient(client.app)
    start = visitor.get("/eligibility")
    assert start.status_code == 200
    soup = _soup(start.text)
    assert "不会被保存" in soup.get_text()
    form = _form(soup)
    assert form.find("select", attrs={"name": "region"}) is not None
    page = visitor.post("/eligibility", data={"region": "520102", "action": "next"})
    screens = 0
    while "资格自测结果" not in page.text:
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert page.url.query == b"" or not page.url.query
        soup = _soup(page.text)
        assert soup.find("script") is None
        assert len(soup.find_all("h1")) == 1
        screens += 1
        assert screens <= 12
        page = _post(visitor, _answer(_form(soup)))
    soup = _soup(page.text)
    text = soup.get_text()
    assert "结果仅供参考，以主管部门审核认定为准" in text
    assert "依据截至2" in text
    titles = [h.get_text() for h in soup.find_all("h2")]
    assert any(t.startswith("可能符合") for t in titles)
    assert any(t.startswith("当地标准待核实") for t in titles)
    assert soup.find("a", href="/services/employee-basic-pension") is not None
    assert "要带什么" in text
    assert "到哪里办" in text
    assert screens <= 8
    for link in soup.find_all("a"):
        href = str(link.get("href", ""))
        assert "person." not in href
        assert "household." not in href


def test_skip_and_back(client: TestClient) -> None:
    visitor = TestClient(client.app)
    first = visitor.post("/eligibility", data={"region": "520102", "action": "next"})
    form = _form(_soup(first.text))
    second = _post(visitor, [*_hidden(form), ("action", "skip")])
    assert second.status_code == 200
    hidden = {f["name"] for f in _form(_soup(second.text)).find_all("input", type="hidden")}
    assert "history" in hidden
    third = _post(visitor, [*_hidden(_form(_soup(second.text))), ("action", "back")])
    assert _soup(third.text).find("h1").get_text() == _soup(first.text).find("h1").get_text()


def test_invalid_answers_are_asked_again_without_echo(client: TestClient) -> None:
    page = client.post(
        "/eligibility",
        data={
            "region": "520102",
            "m0.person.age": "999",
            "action": "next",
            "screen": "m0.person.age",
        },
    )
    assert page.status_code == 200
    assert "999" not in page.text
    assert "应在 0 到 130 之间" in page.text
    missing_region = client.post("/eligibility", data={"action": "next"})
    assert missing_region.status_code == 422


def _worker(data: dict[str, Any], client: TestClient) -> BeautifulSoup:
    response = client.post("/eligibility/household", data=data)
    assert response.headers["cache-control"] == "no-store"
    return _soup(response.text)


def test_household_page_members_inline_and_print_sheet(client: TestClient) -> None:
    empty = client.get("/eligibility/household")
    assert empty.status_code == 200
    soup = _soup(empty.text)
    assert len(soup.find_all("fieldset", class_="member")) == 2
    assert soup.find("link", rel="stylesheet", media="print") is not None
    added = _worker({"region": "520102", "count": "2", "action": "add"}, client)
    assert len(added.find_all("fieldset", class_="member")) == 3
    removed = _worker({"region": "520102", "count": "3", "action": "remove:1"}, client)
    assert len(removed.find_all("fieldset", class_="member")) == 2
    data = {
        "region": "520102",
        "as_of": "2026-11-28",
        "count": "4",
        "action": "evaluate",
        "m0.role": "applicant",
        "m0.person.age": "36",
        "m0.person.employment": "employee",
        "m1.role": "spouse",
        "m1.person.age": "34",
        "m1.person.employment": "employee",
        "m2.role": "parent",
        "m2.person.age": "70",
        "m2.person.military_related": "true",
        "m2.person.military_status": "discharged",
        "m3.role": "child",
        "m3.person.age": "2",
        "h.household.is_dibao": "false",
    }
    soup = _worker(data, client)
    text = soup.get_text()
    table = soup.find("table", class_="matrix")
    assert table is not None
    headers = [th.get_text() for th in table.find("thead").find_all("th")]
    assert headers[2:] == ["成员1（申请人）", "成员2（配偶）", "成员3（父母）", "成员4（子女）"]
    assert "结果仅供参考，以主管部门审核认定为准" in text
    assert "依据截至2026年11月28日的政策" in text
    assert soup.find("div", class_="print-only") is not None
    assert "规则文件" in text
    assert "标准待核实" in text
    assert "退役军人就业创业服务" in text
    # the entered answers are kept in the (POST) form for editing, never in a link
    assert (
        soup.find("select", attrs={"name": "m2.person.military_status"}).find(
            "option", selected=True
        )["value"]
        == "discharged"
    )
    for link in soup.find_all("a"):
        assert "m0." not in str(link.get("href", ""))


def test_household_page_rejects_bad_values(client: TestClient) -> None:
    response = client.post(
        "/eligibility/household",
        data={"region": "520102", "count": "1", "action": "evaluate", "m0.person.age": "-3"},
    )
    assert response.status_code == 422
    assert "-3" not in _soup(response.text).find("div", class_="error").get_text()


def test_service_page_shows_conditions(client: TestClient) -> None:
    soup = _soup(client.get("/services/disability-two-subsidies").text)
    section = soup.find("section", id="eligibility")
    assert section is not None
    assert "残疾等级为一级或二级" in section.get_text()
    assert section.find("a", href="/eligibility") is not None
    assert _soup(client.get("/services/vaccination").text).find("section", id="eligibility") is None


def test_nav_links_to_the_questionnaire(client: TestClient) -> None:
    soup = _soup(client.get("/").text)
    nav = soup.find("nav", class_="main-nav")
    assert nav.find("a", href="/eligibility") is not None
