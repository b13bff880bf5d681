"""Every page type renders, is accessible in structure, links its JSON twin, works without JS."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

PAGES = [
    ("/", "/api/v1/areas?region=520000"),
    ("/areas/vulnerable", "/api/v1/services?area=vulnerable&region=520000"),
    ("/services", "/api/v1/services?region=520000"),
    (
        "/services?tier=basic&area=veterans",
        "/api/v1/services?area=veterans&tier=basic&region=520000",
    ),
    (
        "/services/preferential-treatment-and-pensions",
        "/api/v1/services/preferential-treatment-and-pensions?region=520000",
    ),
    ("/life-events/veterans", "/api/v1/services?life_event=veterans&region=520000"),
    ("/regions", "/api/v1/regions/520000"),
    ("/regions/520102", "/api/v1/regions/520102"),
    ("/about", "/api/v1"),
]


@pytest.fixture
def visitor(client: TestClient) -> TestClient:
    """A client with its own cookie jar, so preference cookies never leak between tests."""
    return TestClient(client.app)


def _soup(client: TestClient, url: str, cookie: str | None = None) -> BeautifulSoup:
    response = client.get(url, headers={"Cookie": cookie} if cookie else None)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize(("url", "json_url"), PAGES)
def test_page_renders_with_json_twin(client: TestClient, url: str, json_url: str) -> None:
    response = client.get(url)
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.html is not None
    assert soup.html["lang"] == "zh-CN"
    alternate = soup.find("link", rel="alternate", type="application/json")
    assert alternate is not None
    assert alternate["href"] == json_url
    assert response.headers["link"] == f'<{json_url}>; rel="alternate"; type="application/json"'
    assert client.get(json_url).status_code == 200, "the JSON twin exists"
    assert len(soup.find_all("h1")) == 1
    assert soup.find("main") is not None
    assert soup.find("a", class_="skip-link") is not None
    assert soup.find("script") is None, "pages need no JavaScript"
    assert "content-security-policy" in response.headers


def test_home_shows_nine_area_tiles_and_life_events(client: TestClient) -> None:
    soup = _soup(client, "/")
    tiles = [t.get_text(" ", strip=True) for t in soup.select(".tile-title")]
    assert tiles == [
        "幼有所育",
        "学有所教",
        "劳有所得",
        "病有所医",
        "老有所养",
        "住有所居",
        "弱有所扶",
        "优军服务保障",
        "文体服务保障",
    ]
    assert soup.select("#events-h ~ ul a")


def test_service_page_is_a_guide_with_sources_and_unknown_badges(client: TestClient) -> None:
    soup = _soup(client, "/services/preferential-treatment-and-pensions")
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    for section in (
        "基本信息",
        "受理条件",
        "申请材料",
        "办理流程",
        "收费与时限",
        "办理地点和咨询",
        "法律依据",
        "来源",
    ):
        assert section in headings
    assert "现役军人" in soup.get_text(), "服务对象 text is shown"
    assert soup.select(".badge-missing"), "fields without a source say 待核实"
    assert "待核实" in soup.get_text()
    sources = soup.select("ol.sources li")
    assert sources
    assert all(li.get("id", "").startswith("source-") for li in sources)
    for ref in soup.select("sup.fn a"):
        assert soup.find(id=ref["href"].removeprefix("#")) is not None, "every footnote resolves"


@pytest.mark.parametrize(
    ("code", "says"),
    [
        # basic, but no source names its national-standard item: unknown, not "not an item"
        ("legal-aid", "对应的国家标准条目暂无可靠来源"),
        ("elderly-health-management", "对应的国家标准条目暂无可靠来源"),
        # an inclusive (non-basic) service is by definition not a basic-standard item
        ("inclusive-childcare", "不是国家基本公共服务标准条目"),
        ("preferential-treatment-and-pensions", "2021年版"),
    ],
)
def test_service_page_states_its_standard_item_honestly(
    client: TestClient, code: str, says: str
) -> None:
    soup = _soup(client, f"/services/{code}")
    item = next(dt for dt in soup.find_all("dt") if dt.get_text(strip=True) == "国家标准条目")
    text = item.find_next_sibling("dd").get_text(" ", strip=True)
    assert says in text
    if code in ("legal-aid", "elderly-health-management"):
        assert "不是国家基本公共服务标准条目" not in text


def test_area_page_flags_categories_without_services(client: TestClient) -> None:
    soup = _soup(client, "/areas/employment")
    assert soup.find("h1").get_text(strip=True) == "劳有所得"
    assert [h.get_text(" ", strip=True).split(" ")[0] for h in soup.select("section > h2")][:2] == [
        "就业创业服务",
        "工伤失业保险服务",
    ]


def test_filters_are_plain_links_and_pagination_works(client: TestClient) -> None:
    soup = _soup(client, "/services?tier=basic")
    current = soup.select('nav[aria-label="按层级筛选"] a[aria-current="true"]')
    assert [a.get_text(strip=True) for a in current] == ["基本公共服务"]
    assert all(c.get("href", "").startswith("/services") for c in soup.select(".chips a"))
    next_link = soup.find("a", rel="next")
    if next_link is not None:
        assert _soup(client, next_link["href"]).select(".card")


def test_elder_mode_toggle_without_javascript(visitor: TestClient) -> None:
    response = visitor.get("/preferences?elder=1&next=/about", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/about"
    assert "qianfu_elder=1" in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"]
    soup = _soup(visitor, "/about", cookie="qianfu_elder=1")
    assert "elder" in soup.body["class"]
    assert soup.find("a", string="标准版") is not None


def test_region_picker_changes_the_region(visitor: TestClient) -> None:
    soup = _soup(visitor, "/regions/520100")
    pick = soup.find("a", attrs={"aria-label": "选择南明区"})
    assert pick is not None
    response = visitor.get(pick["href"], follow_redirects=False)
    assert response.status_code == 303
    assert "qianfu_region=520102" in response.headers["set-cookie"]
    home = _soup(visitor, "/", cookie="qianfu_region=520102")
    assert home.select_one(".region-now strong").get_text() == "南明区"
    assert home.find("link", rel="alternate")["href"] == "/api/v1/areas?region=520102"


def test_query_region_beats_cookie_and_bad_values_fall_back(client: TestClient) -> None:
    soup = _soup(client, "/?region=520201", cookie="qianfu_region=520102")
    assert soup.select_one(".region-now strong").get_text() == "钟山区"
    stale = _soup(client, "/", cookie="qianfu_region=529999")
    assert stale.select_one(".region-now strong").get_text() == "贵州省"
    assert client.get("/?region=529999").status_code == 404


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_preferences_never_redirect_off_site(visitor: TestClient, target: str) -> None:
    response = visitor.get(
        "/preferences", params={"elder": 1, "next": target}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_page_errors_are_html(client: TestClient) -> None:
    response = client.get("/services/no-such-service")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "找不到这个页面" in response.text
    assert client.get("/areas/Bad_Code").status_code == 422


def test_templates_escape_user_controlled_text(client: TestClient) -> None:
    response = client.get('/services?life_event="><script>alert(1)</script>')
    assert "<script>alert(1)</script>" not in response.text


def test_search_box_on_every_page_and_search_page(client: TestClient) -> None:
    for url, _ in PAGES:
        soup = BeautifulSoup(client.get(url).text, "html.parser")
        form = soup.find("form", attrs={"role": "search"})
        assert form is not None
        assert form["action"] == "/search"
        assert form["method"] == "get"
    soup = _soup(client, "/search?q=%E4%BD%8E%E4%BF%9D")
    first = soup.select_one("ol.results li")
    assert first is not None
    assert first.select_one("em") is not None, "matches are highlighted"
    assert first.find("a")["href"] == "/services/minimum-living-allowance"
    assert soup.find("link", rel="alternate")["href"].startswith("/api/v1/search?q=")
    facet_links = soup.select('.filters nav a[href^="/search?"]')
    assert facet_links, "facets are plain links"
    empty = _soup(client, "/search")
    assert empty.select_one("ol.results") is None


def test_search_page_did_you_mean(client: TestClient) -> None:
    soup = _soup(client, "/search?q=%E9%A3%9E%E8%88%B9%E9%A9%BE%E7%85%A7")
    assert "没有找到" in soup.get_text()
