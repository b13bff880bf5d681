"""The “信息有误？” form page and its thank-you page (no JavaScript, no personal fields).

The form posts to itself; a problem (no topic, an empty or too long description) shows the
form again with what was typed. Reports go through the same limiter and store as the API's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.deps import NowDep, engine_of
from app.pages.render import render
from app.providers.corrections import (
    MAX_MESSAGE_CHARS,
    TOPIC_LABELS,
    CorrectionIn,
    require_location,
    store_report,
)
from app.routers.corrections import client_of, limiter_of
from app.routers.providers import ProviderId

router = APIRouter(include_in_schema=False)
NO_STORE = "no-store"


def _form_context(provider_id: str, name: str, topic: str, message: str) -> dict[str, Any]:
    return {
        "provider": {"id": provider_id, "name": name, "url": f"/providers/{provider_id}"},
        "topics": [(topic.value, label) for topic, label in TOPIC_LABELS.items()],
        "topic": topic,
        "message": message,
        "max_chars": MAX_MESSAGE_CHARS,
        "region": None,
        "error": None,
    }


def _problem(exc: ValidationError) -> str:
    fields = {str(error["loc"][0]) for error in exc.errors() if error.get("loc")}
    if "topic" in fields:
        return "请选择哪里有误"
    return f"请填写具体说明（1–{MAX_MESSAGE_CHARS} 字）"


@router.get("/providers/{provider_id}/correction")
async def correction_form(request: Request, provider_id: ProviderId) -> Response:
    """信息有误？选择问题类型并简要说明。"""
    name = await run_in_threadpool(require_location, engine_of(request), provider_id)
    ctx = _form_context(provider_id, name, "", "")
    return render(
        request, "providers/correction.html", ctx, json_url=f"/api/v1/providers/{provider_id}"
    )


@router.post("/providers/{provider_id}/correction")
async def correction_submit(request: Request, provider_id: ProviderId, now: NowDep) -> Response:
    """保存报告并致谢；填写有误时带着已填内容重新显示表单。"""
    engine = engine_of(request)
    name = await run_in_threadpool(require_location, engine, provider_id)
    form = await request.form()
    topic = form.get("topic")
    message = form.get("message")
    topic_text = topic if isinstance(topic, str) else ""
    message_text = message if isinstance(message, str) else ""
    json_url = f"/api/v1/providers/{provider_id}"
    try:
        report = CorrectionIn.model_validate({"topic": topic_text, "message": message_text})
    except ValidationError as exc:
        ctx = _form_context(provider_id, name, topic_text, message_text[: MAX_MESSAGE_CHARS * 2])
        ctx["error"] = _problem(exc)
        response = render(
            request, "providers/correction.html", ctx, json_url=json_url, status_code=422
        )
        response.headers["Cache-Control"] = NO_STORE
        return response
    limiter_of(request).hit(client_of(request))
    await run_in_threadpool(store_report, engine, provider_id, report, now)
    ctx = {
        "provider": {"id": provider_id, "name": name, "url": f"/providers/{provider_id}"},
        "region": None,
    }
    response = render(request, "providers/correction_thanks.html", ctx, json_url=json_url)
    response.headers["Cache-Control"] = NO_STORE
    return response
