"""Template environment and the context every page shares (region, 长辈版, JSON twin)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from app.catalogue.snapshot import SnapshotCache
from app.domain import FIELD_LABELS, PROVINCE_CODE, TIER_LABELS, UNKNOWN_LABEL
from app.settings import Settings

REGION_COOKIE = "qianfu_region"
ELDER_COOKIE = "qianfu_elder"
_REGION_RE = re.compile(r"^\d{6}(?:\d{3})?$")


def build_templates(settings: Settings) -> Jinja2Templates:
    """Bundled templates, overridable file by file from ``settings.template_dir``."""
    loaders: list[jinja2.BaseLoader] = []
    if settings.template_dir is not None:
        loaders.append(jinja2.FileSystemLoader(settings.template_dir))
    loaders.append(jinja2.PackageLoader("app", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        FIELD_LABELS=FIELD_LABELS, TIER_LABELS=TIER_LABELS, UNKNOWN_LABEL=UNKNOWN_LABEL
    )
    env.filters["query"] = _query_filter
    env.filters["tel"] = tel_href
    return Jinja2Templates(env=env)


_PHONE_RE = re.compile(r"\+?[\d][\d\- ]{2,}\d")


def tel_href(phone: str | None) -> str | None:
    """A ``tel:`` address for the first number in a published phone text (None if none)."""
    match = _PHONE_RE.search(phone or "")
    if match is None:
        return None
    return "tel:" + match.group(0).replace(" ", "")


def _query_filter(params: dict[str, Any]) -> str:
    """``{'a': 1, 'b': None, 't': ['x', 'y']}`` → ``?a=1&t=x&t=y`` (empty values dropped)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", [])}
    return "?" + urlencode(clean, doseq=True) if clean else ""


@dataclass(frozen=True)
class Prefs:
    """What the visitor chose: a region (query beats cookie) and the large-text mode."""

    region: str
    region_from_query: bool
    elder: bool


def read_prefs(request: Request) -> Prefs:
    """Preferences from ``?region=`` or cookies; malformed values fall back to defaults."""
    query_region = request.query_params.get("region")
    if query_region and _REGION_RE.match(query_region):
        return Prefs(query_region, True, request.cookies.get(ELDER_COOKIE) == "1")
    cookie_region = request.cookies.get(REGION_COOKIE, "")
    region = cookie_region if _REGION_RE.match(cookie_region) else PROVINCE_CODE
    return Prefs(region, False, request.cookies.get(ELDER_COOKIE) == "1")


def demo_data_loaded(request: Request) -> bool:
    """Whether generated sample providers are loaded (the "演示数据" banner), without blocking.

    Reads the snapshot this worker loaded last; before any is loaded (a first request that is
    an error), the demo setting says it, since start-up loads the sample set exactly then.
    """
    cache: SnapshotCache | None = getattr(request.app.state, "snapshots", None)
    snapshot = cache.last if cache is not None else None
    if snapshot is not None:
        return snapshot.sample_providers > 0
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return bool(settings and settings.demo)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    json_url: str,
    status_code: int = 200,
) -> Response:
    """Render ``name`` with the shared context; ``json_url`` is the page's JSON twin."""
    templates: Jinja2Templates = request.app.state.templates
    prefs = context.get("prefs") or read_prefs(request)
    here = request.url.path + (("?" + request.url.query) if request.url.query else "")
    response = templates.TemplateResponse(
        request,
        name,
        {
            "prefs": prefs,
            "json_url": json_url,
            "here": here,
            "demo_banner": demo_data_loaded(request),
            **context,
        },
        status_code=status_code,
    )
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


def render_error(request: Request, status: int, message: str) -> Response:
    """A friendly error page that still carries the shared layout."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "errors/error.html",
        {
            "prefs": read_prefs(request),
            "json_url": "/api/v1",
            "here": "/",
            "status": status,
            "message": message,
            "region": None,
            "demo_banner": demo_data_loaded(request),
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
