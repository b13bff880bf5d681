"""Provider pages: the demo banner, provider pages, the nearby page (no JS needed), the service
page's "附近办理点" and the provider list — every sample record labelled "示例".

Two apps: ``client`` (tests/conftest.py: the shipped seed, demo off, SQLite and PostgreSQL)
and ``demo`` below (SQLite, 300 generated sample providers plus one test record with a point,
clock pinned). Pages use the embedded search backend; the Meilisearch geo contract is
tests/search/test_geo_contract.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.bootstrap import prepare_database, prepare_search
from app.db import make_engine
from app.domain import VerificationStatus
from app.geo.coords import CoordType
from app.main import create_app
from app.pages.providers import TOWNSHIP_FALLBACK, distance_label
from app.providers.sample import SAMPLE_SOURCE
from app.providers.schema import Point, ProviderEntry
from app.providers.store import store_providers
from app.seedfiles.schema import Verification
from app.settings import Settings
from tests.conftest import make_settings

BANNER = (
    "演示数据：本站当前载入了程序生成的示例办理点，名称带“示例”，不代表真实机构，请勿前往或致电。"
)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY_MORNING = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)
NANMING = "520102"  # 南明区: four seeded records, none with a point
NANMING_TOWNSHIP = "520102016"  # 新华路街道: no seat coordinates of its own
SEED_WITH_PHONE = "gz-02b97c5ed1"  # 贵阳市立诚公证处: phone, published hours text, no point
NAV_TEST_ID = "test-nav-point"
# A non-sample test record with a point, so the page shows map links (test database only).
NAV_TEST_ENTRY = ProviderEntry(
    id=NAV_TEST_ID,
    name="导航测试办理点（测试数据）",
    type="service_window",
    region="520103",
    location=Point(lat=26.5830, lng=106.7130, coordtype=CoordType.WGS84),
    sources=[SAMPLE_SOURCE],
    verification=Verification(status=VerificationStatus.UNVERIFIED, note="测试用，不是真实机构"),
)


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("provider-pages")
    settings = make_settings(f"sqlite:///{tmp / 'qianfu.db'}", tmp, demo=True, demo_providers=300)
    engine = make_engine(settings)
    try:
        prepare_database(settings, engine)
        store_providers(engine, [NAV_TEST_ENTRY], origin="import")
        prepare_search(settings, engine, force=True)
    finally:
        engine.dispose()
    return settings


@pytest.fixture(scope="module")
def demo(demo_settings: Settings) -> Iterator[TestClient]:
    app = create_app(demo_settings)
    app.state.clock = lambda: MONDAY_MORNING
    with TestClient(app) as test_client:
        yield test_client


def _page(client: TestClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def _json_twin(client: TestClient, url: str) -> tuple[BeautifulSoup, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.text, "html.parser")
    href = str(soup.find("link", rel="alternate", type="application/json")["href"])
    assert response.headers["link"] == f'<{href}>; rel="alternate"; type="application/json"'
    assert soup.select_one("a.json-link")["href"] == href
    return soup, href


def _cards(soup: BeautifulSoup, scope: str = "main") -> list[Any]:
    return soup.select(f"{scope} li.card")


def _card_ids(soup: BeautifulSoup, scope: str = "main") -> list[str]:
    return [
        card.select_one(".card-title a")["href"].removeprefix("/providers/")
        for card in _cards(soup, scope)
    ]


def _assert_samples_labelled(cards: list[Any]) -> None:
    """Generated names end in "（示例）": exactly those cards carry the 示例 badge."""
    assert cards
    for card in cards:
        name = card.select_one(".card-title a").get_text(strip=True)
        badge = card.select_one(".badge-sample")
        if name.endswith("（示例）"):
            assert badge is not None, name
            assert badge.get_text(strip=True) == "示例"
        else:
            assert badge is None, name


# --- the 演示数据 banner -------------------------------------------------------------------

DEMO_PAGES = [
    ("/", 200),
    ("/services", 200),
    ("/nearby", 200),
    ("/providers/sample-000001", 200),
    ("/providers?region=520102", 200),
    ("/services/legal-aid", 200),
    ("/providers/no-such-provider", 404),
    ("/nearby?lat=95&lng=106", 422),
    ("/no-such-page", 404),
]


@pytest.mark.parametrize(("url", "status"), DEMO_PAGES)
def test_demo_banner_on_every_page_while_samples_are_loaded(
    demo: TestClient, url: str, status: int
) -> None:
    soup = _page(demo, url, status)
    banner = soup.select_one(".demo-banner")
    assert banner is not None
    assert banner.name == "section", "a landmark of its own: screen readers can jump to it"
    assert banner["aria-label"] == "演示数据说明"
    assert banner.get_text("", strip=True) == BANNER
    assert banner.find_parent("header") is None, "printed too: not inside the hidden header"


@pytest.mark.parametrize(
    ("url", "status"),
    [(u.replace("sample-000001", SEED_WITH_PHONE), s) for u, s in DEMO_PAGES],
)
def test_no_banner_without_sample_data(client: TestClient, url: str, status: int) -> None:
    soup = _page(client, url, status)
    assert soup.select_one(".demo-banner") is None
    assert "演示数据" not in soup.get_text()


def test_banner_on_an_error_before_any_page_loaded_the_catalogue(
    demo_settings: Settings, seeded_settings: Settings
) -> None:
    with TestClient(create_app(demo_settings)) as fresh:
        assert _page(fresh, "/no-such-page", 404).select_one(".demo-banner") is not None
    with TestClient(create_app(seeded_settings)) as fresh:
        assert _page(fresh, "/no-such-page", 404).select_one(".demo-banner") is None


# --- provider pages ----------------------------------------------------------------------


def _field(soup: BeautifulSoup, label: str) -> str:
    dt_tag = soup.find("dt", string=label)
    assert dt_tag is not None, label
    return dt_tag.find_next_sibling("dd").get_text(" ", strip=True)


def test_provider_page_shows_unknowns_as_such(client: TestClient) -> None:
    soup, twin = _json_twin(client, f"/providers/{SEED_WITH_PHONE}")
    assert twin == f"/api/v1/providers/{SEED_WITH_PHONE}"
    data = client.get(twin).json()
    assert data["location"] is None
    assert data["inclusive"] is None
    assert data["price"] is None
    assert soup.h1.get_text(strip=True) == data["name"]
    assert soup.select_one(".badge-sample") is None, "a real record is not labelled 示例"
    assert "位置待核实" in _field(soup, "位置")
    for label in ("普惠性", "收费", "空余名额", "无障碍设施", "服务语言", "交通"):
        assert _field(soup, label) == "待核实", label
    assert _field(soup, "地址") == data["address"]
    assert data["hours"]["text"] in _field(soup, "公布的开放时间")
    assert _field(soup, "现在") == "开放时间待核实"
    tel = soup.select("a[href^='tel:']")
    assert [a["href"] for a in tel] == [f"tel:{data['phone']}"]
    text = soup.get_text(" ", strip=True)
    assert "最后核实：未核实" in text
    assert "位置待核实，暂不提供地图导航" in text
    assert not soup.select("a[href*='amap.com'], a[href*='map.qq.com'], a[href*='baidu.com']")
    assert soup.select_one(f"a[href='/providers/{SEED_WITH_PHONE}/correction']") is not None
    source_notes = [s["note"] for s in data["sources"] if s["note"]]
    assert source_notes
    assert all(note in text for note in source_notes)


def test_tel_link_only_when_a_phone_is_known(client: TestClient) -> None:
    items = client.get("/api/v1/providers?limit=100").json()["items"]
    without = next(p for p in items if p["phone"] is None)
    soup = _page(client, f"/providers/{without['id']}")
    assert not soup.select("a[href^='tel:']")
    assert _field(soup, "电话") == "待核实"


def test_sample_provider_page_says_it_is_not_a_real_place(demo: TestClient) -> None:
    data = demo.get("/api/v1/providers/sample-000001").json()
    assert data["sample"] is True
    assert data["phone"] is None
    assert data["navigation"] is None
    soup = _page(demo, "/providers/sample-000001")
    assert soup.h1.select_one(".badge-sample").get_text(strip=True) == "示例"
    assert "不是真实存在的机构或地点" in soup.select_one(".sample-notice").get_text()
    assert not soup.select("a[href^='tel:']")
    assert _field(soup, "电话") == "示例数据不提供电话"
    assert "示例记录不是真实地点，不提供地图导航" in soup.get_text()
    assert [a["href"] for a in soup.select("#services-h ~ ul a")] == [
        s["url"] for s in data["services"]
    ]
    assert data["hours"]["weekly"] in _field(soup, "每周")


def test_provider_with_a_point_links_three_map_apps(demo: TestClient) -> None:
    navigation = demo.get(f"/api/v1/providers/{NAV_TEST_ID}").json()["navigation"]
    soup = _page(demo, f"/providers/{NAV_TEST_ID}")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("#nav-h ~ ul a")}
    assert links == {
        "高德地图": navigation["amap"],
        "腾讯地图": navigation["qq"],
        "百度地图": navigation["baidu"],
    }


# --- the nearby page ---------------------------------------------------------------------


def _form_query(soup: BeautifulSoup, **choices: str) -> str:
    """What a browser submits for the nearby form, with ``choices`` picked (blanks kept)."""
    form = soup.find("form", id="nearby-form")
    assert form["method"] == "get"
    assert form["action"] == "/nearby"
    pairs: list[tuple[str, str]] = []
    for field in form.find_all(["select", "input"]):
        name = field.get("name")
        if not name:
            continue
        if name in choices:
            pairs.append((name, choices[name]))
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            pairs.append((name, chosen.get("value", "")))
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                pairs.append((name, field["value"]))
        else:
            pairs.append((name, field.get("value", "")))
    return "&".join(f"{k}={v}" for k, v in pairs)


def test_nearby_without_javascript_county_then_township(demo: TestClient) -> None:
    start = _page(demo, "/nearby")
    county_select = start.find("select", attrs={"name": "county"})
    assert start.find("label", attrs={"for": county_select["id"]}) is not None
    assert len(county_select.find_all("optgroup")) == 9
    assert len(county_select.find_all("option", value=True)) - 1 == 88
    assert start.find("select", attrs={"name": "township"}) is None
    assert start.select_one(".nearby-results") is None

    # Step 1: pick a county (a browser also sends the blank selects).
    step1 = f"/nearby?{_form_query(start, county=NANMING)}"
    assert "township" not in step1
    assert "radius_m=&" in step1
    county_page, twin = _json_twin(demo, step1)
    townships = county_page.find("select", attrs={"name": "township"})
    codes = [o["value"] for o in townships.find_all("option") if o["value"]]
    api_children = demo.get(f"/api/v1/regions/{NANMING}/children?limit=100").json()["items"]
    assert codes == [r["code"] for r in api_children if r["level"] == "township"]
    assert "距离从南明区政府驻地算起" in county_page.select_one(".nearby-results").get_text()
    assert TOWNSHIP_FALLBACK not in county_page.get_text()
    assert twin.startswith("/api/v1/providers/nearby?")
    assert "coordtype=gcj02" in twin
    api = demo.get(twin).json()
    assert _card_ids(county_page, ".nearby-results") == [item["id"] for item in api["items"]]
    distances = [item["distance_m"] for item in api["items"]]
    assert distances == sorted(distances)
    shown = [c.select_one(".distance strong").get_text() for c in _cards(county_page)]
    assert shown == [distance_label(d) for d in distances]
    _assert_samples_labelled(_cards(county_page, ".nearby-results"))

    # Step 2: pick a township without seat coordinates: the county seat stands in, and says so.
    step2 = f"/nearby?{_form_query(county_page, township=NANMING_TOWNSHIP)}"
    township_page, twin2 = _json_twin(demo, step2)
    assert township_page.select_one(".nearby-results .notice").get_text(strip=True) == (
        TOWNSHIP_FALLBACK
    )
    assert twin2 == twin, "same query point as the county"
    selected = township_page.find("select", attrs={"name": "township"}).find(
        "option", selected=True
    )
    assert selected["value"] == NANMING_TOWNSHIP


def test_nearby_filters_round_trip(demo: TestClient) -> None:
    url = f"/nearby?county={NANMING}&type=kindergarten&open_now=true&radius_m=20000&limit=10"
    soup, twin = _json_twin(demo, url)
    params = parse_qs(urlparse(twin).query)
    assert params["type"] == ["kindergarten"]
    assert params["open_now"] == ["true"]
    assert params["radius_m"] == ["20000"]
    assert params["limit"] == ["10"]
    api = demo.get(twin).json()
    assert _card_ids(soup, ".nearby-results") == [i["id"] for i in api["items"]]
    assert all(i["type"]["code"] == "kindergarten" and i["open_now"] for i in api["items"])
    assert all(i["distance_m"] <= 20000 for i in api["items"])
    form = soup.find("form", id="nearby-form")
    assert form.find("input", attrs={"name": "open_now"}).has_attr("checked")
    assert form.find("option", value="kindergarten").has_attr("selected")


def test_nearby_by_location_from_the_script(demo: TestClient) -> None:
    url = "/nearby?lat=26.58000&lng=106.71000&coordtype=wgs84&type=legal_aid"
    soup, twin = _json_twin(demo, url)
    api = demo.get(twin).json()
    assert twin.startswith("/api/v1/providers/nearby?lat=26.580000&lng=106.710000")
    assert api["coordtype"] == "wgs84"
    assert api["items"]
    assert _card_ids(soup, ".nearby-results") == [i["id"] for i in api["items"]]
    _assert_samples_labelled(_cards(soup, ".nearby-results"))
    text = soup.get_text(" ", strip=True)
    assert "只用于本次查询" in text
    assert "不保存" in text
    # The elder-mode switch leads back here without the location in its address.
    assert demo.get(url).headers["cache-control"] == "private, no-store"
    toggle = soup.select_one("a[href^='/preferences']")["href"]
    assert "26.58" not in toggle
    assert "lat" not in toggle


def test_nearby_outside_guizhou_says_so(demo: TestClient) -> None:
    soup = _page(demo, "/nearby?lat=39.9&lng=116.4&limit=1")
    assert "不在贵州省范围内" in soup.select_one(".nearby-results").get_text()


@pytest.mark.parametrize(
    ("query", "status", "secret"),
    [
        ("lat=95.5&lng=106.7", 422, "95.5"),
        ("lat=26.5&lng=200.25", 422, "200.25"),
        ("lat=nan&lng=106.7", 422, "nan"),
        ("lat=26.5&lng=inf", 422, "inf"),
        ("lat=26.5817", 422, "26.5817"),
        ("lat=26.5&lng=106.7&coordtype=mercator", 422, "mercator"),
        (f"county={NANMING}&radius_m=0", 422, None),
        (f"county={NANMING}&radius_m=1000000", 422, None),
        (f"county={NANMING}&limit=500", 422, None),
        (f"county={NANMING}&type=bogus", 422, None),
        ("county=529999", 404, None),
        ("county=520100", 404, None),
        ("service=no-such-service", 404, None),
    ],
)
def test_nearby_bad_input_is_a_friendly_page(
    demo: TestClient, query: str, status: int, secret: str | None
) -> None:
    response = demo.get(f"/nearby?{query}")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(response.text, "html.parser")
    message = soup.select_one("main .lead").get_text()
    assert message
    if secret is not None:
        assert secret not in response.text, "coordinates are never echoed"


def test_nearby_counts_providers_without_a_point(client: TestClient) -> None:
    listed = client.get(f"/api/v1/providers?region={NANMING}&limit=100").json()
    unplaced = [p for p in listed["items"] if p["location"] is None]
    assert unplaced, "the seed has 南明区 records without coordinates"
    soup = _page(client, f"/nearby?county={NANMING}")
    line = soup.select_one(".unplaced")
    assert f"本县还有 {len(unplaced)} 个办理点位置待核实" in line.get_text()
    list_page, twin = _json_twin(client, line.a["href"])
    assert twin == f"/api/v1/providers?region={NANMING}"
    cards = _cards(list_page)
    assert len(cards) == listed["total"]
    assert all("位置待核实" in card.get_text() for card in cards)


def test_nearby_script_is_progressive_enhancement(demo: TestClient) -> None:
    soup = _page(demo, "/nearby")
    scripts = soup.find_all("script")
    assert [urlparse(s.get("src")).path for s in scripts] == ["/static/js/nearby.js"]
    assert all(not s.string for s in scripts), "no inline script (CSP script-src 'self')"
    holder = soup.find("button", id="use-location").find_parent(class_="js-only")
    assert holder.has_attr("hidden"), "without JavaScript the button stays hidden"
    script = demo.get("/static/js/nearby.js")
    assert script.status_code == 200
    assert "navigator.geolocation" in script.text
    assert "coordtype" in script.text
    assert "geolocation" not in demo.get("/nearby").headers["permissions-policy"]


# --- the provider list and search ----------------------------------------------------------


def test_provider_list_matches_its_json_twin_and_pages(demo: TestClient) -> None:
    soup, twin = _json_twin(demo, "/providers?region=520100&type=&inclusive=")
    assert twin == "/api/v1/providers?region=520100"
    api = demo.get(twin).json()
    assert _card_ids(soup) == [p["id"] for p in api["items"]]
    _assert_samples_labelled(_cards(soup))
    two_types = "/providers?region=520100&type=kindergarten&type=childcare"
    assert _json_twin(demo, two_types)[1] == "/api/v1" + two_types
    next_page, twin2 = _json_twin(demo, soup.find("a", rel="next")["href"])
    assert _card_ids(next_page) == [p["id"] for p in demo.get(twin2).json()["items"]]
    _assert_samples_labelled(_cards(next_page))


def test_search_results_for_providers_are_labelled_and_linked(demo: TestClient) -> None:
    soup = _page(demo, "/search?q=%E5%B9%BC%E5%84%BF%E5%9B%AD&type=provider")
    cards = _cards(soup)
    _assert_samples_labelled(cards)
    for card in cards:
        href = card.select_one(".card-title a")["href"]
        assert href.startswith("/providers/")
        assert demo.get(href).status_code == 200


# --- the service page section ---------------------------------------------------------------


def _section(soup: BeautifulSoup) -> Any:
    section = soup.find("section", id="nearby")
    assert section is not None
    assert section.h2.get_text(strip=True) == "附近办理点"
    return section


def test_service_section_lists_seeded_providers_without_a_point(client: TestClient) -> None:
    soup = _page(client, f"/services/legal-aid?region={NANMING}")
    section = _section(soup)
    cards = section.select("li.card")
    api = client.get(f"/api/v1/providers?region={NANMING}&service=legal-aid").json()
    assert [c.a["href"] for c in cards] == [p["url"] for p in api["items"]]
    assert all("位置待核实" in c.get_text() for c in cards)
    assert "无法按距离排列" in section.get_text()
    more = section.find("a", string="查看更多附近办理点")["href"]
    assert parse_qs(urlparse(more).query) == {"service": ["legal-aid"], "region": [NANMING]}
    assert _page(client, more).select_one(".nearby-results") is not None


def test_service_section_is_honest_when_empty(client: TestClient) -> None:
    section = _section(_page(client, f"/services/vaccination?region={NANMING}"))
    assert "暂无收录的办理点" in section.get_text()
    assert section.find("a", string="查看更多附近办理点") is not None


def test_service_section_nearest_to_the_chosen_township(demo: TestClient) -> None:
    soup = _page(demo, f"/services/inclusive-childcare?region={NANMING_TOWNSHIP}")
    section = _section(soup)
    assert TOWNSHIP_FALLBACK in section.get_text()
    seat = demo.get(f"/api/v1/regions/{NANMING}").json()["seat"]
    api = demo.get(
        "/api/v1/providers/nearby",
        params={
            "lat": seat["lat"],
            "lng": seat["lng"],
            "coordtype": "gcj02",
            "service": "inclusive-childcare",
            "limit": 5,
        },
    ).json()
    assert [c.a["href"] for c in section.select("li.card")] == [i["url"] for i in api["items"]]
    _assert_samples_labelled(section.select("li.card"))
    shown = [c.select_one(".distance strong").get_text() for c in section.select("li.card")]
    assert shown == [distance_label(i["distance_m"]) for i in api["items"]]


def test_service_section_above_county_level_lists_the_region(demo: TestClient) -> None:
    section = _section(_page(demo, "/services/inclusive-childcare"))
    assert section.find("a", href="/regions") is not None
    cards = section.select("li.card")
    assert 0 < len(cards) <= 5
    assert not section.select(".distance"), "no distances without a place to measure from"
    _assert_samples_labelled(cards)


def test_distance_labels() -> None:
    assert distance_label(0) == "0 米"
    assert distance_label(850) == "850 米"
    assert distance_label(1000) == "1 公里"
    assert distance_label(1649) == "1.6 公里"
    assert distance_label(12_345) == "12 公里"
