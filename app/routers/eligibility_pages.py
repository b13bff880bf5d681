"""Eligibility pages: the resident questionnaire and the community worker's household page.

Both work without JavaScript. Answers travel only in POST bodies (hidden fields carry earlier
answers from screen to screen), never in URLs, cookies or logs, and every page that shows
answers is sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from app.catalogue import services as catalogue
from app.catalogue.snapshot import Snapshot, SnapshotCache
from app.deps import today
from app.eligibility.compile import Ruleset
from app.eligibility.evaluate import Evaluation, Household, Member, evaluate
from app.eligibility.forms import DONT_KNOW, FormAnswers, carried, field_name, read_answers
from app.eligibility.present import evaluation_json
from app.eligibility.questions import Pick, next_question
from app.eligibility.regions import RegionIndex
from app.eligibility.request import MAX_MEMBERS, ROLE_LABELS, ROLES
from app.eligibility.values import OUTSIDE, OUTSIDE_LABEL
from app.errors import NotFound
from app.pages.render import read_prefs, render
from app.routers.eligibility import EligibilityState, state_of
from app.schemas import RegionRef

router = APIRouter(include_in_schema=False)
JSON_TWIN = "/api/v1/eligibility/facts"
STATUS_ORDER = ("eligible", "needs_verification", "unknown", "pending", "not_eligible")
GROUP_TITLES = {
    "eligible": "可能符合",
    "needs_verification": "初步符合，需工作人员核实",
    "unknown": "还需要了解更多情况",
    "pending": "当地标准待核实，请向办理机关咨询",
    "not_eligible": "暂不符合",
}


@dataclass(frozen=True)
class RegionGroup:
    """A 市(州) and its counties, for region selects."""

    prefecture: RegionRef
    counties: list[RegionRef]


async def _snapshot(request: Request) -> Snapshot:
    cache: SnapshotCache = request.app.state.snapshots
    return await cache.get()


def _region_groups(snap: Snapshot) -> list[RegionGroup]:
    province = snap.regions["520000"]
    groups = []
    for code in province.children:
        prefecture = snap.regions[code]
        counties = [snap.regions[c].ref for c in prefecture.children]
        groups.append(RegionGroup(prefecture.ref, counties))
    return groups


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _base(request: Request, snap: Snapshot, state: EligibilityState) -> dict[str, Any]:
    prefs = read_prefs(request)
    node = snap.regions.get(prefs.region) or snap.regions["520000"]
    return {
        "prefs": prefs,
        "region": node.ref,
        "region_groups": _region_groups(snap),
        "outside": (OUTSIDE, OUTSIDE_LABEL),
        "ruleset": state.ruleset,
        "dont_know": DONT_KNOW,
        "field_name": field_name,
        "role_labels": ROLE_LABELS,
    }


def _household_region(form: FormData, regions: RegionIndex) -> str | None:
    value = form.get("region")
    return value if isinstance(value, str) and regions.get(value) is not None else None


def _items(form: FormData) -> list[tuple[str, str]]:
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


# ---- resident questionnaire -------------------------------------------------------------


@router.get("/eligibility")
async def questionnaire_start(request: Request) -> Response:
    """资格自测：说明和选择居住地。"""
    snap = await _snapshot(request)
    state = state_of(request)
    ctx = _base(request, snap, state)
    return render(request, "eligibility/index.html", ctx, json_url=JSON_TWIN)


@router.post("/eligibility")
async def questionnaire_step(request: Request) -> Response:
    """资格自测：每次一屏问题，回答只在表单（POST）中传递；问完显示结果。"""
    snap = await _snapshot(request)
    state = state_of(request)
    regions = state.regions_from(snap)
    form = await request.form()
    ctx = _base(request, snap, state)
    region = _household_region(form, regions)
    if region is None:
        ctx["error"] = "请选择现在居住的县（市、区）"
        return _no_store(
            render(request, "eligibility/index.html", ctx, json_url=JSON_TWIN, status_code=422)
        )
    answers = read_answers(state.ruleset, regions, _items(form))
    action = str(form.get("action") or "next")
    history = [str(h) for h in form.getlist("history") if isinstance(h, str) and h]
    screen = [str(s) for s in form.getlist("screen") if isinstance(s, str)]
    checklist = {str(c) for c in form.getlist("checklist") if isinstance(c, str)}
    if answers.errors:
        pass  # the same screen is asked again, with the messages
    elif action == "back" and history:
        _forget(answers, history.pop().split(","))
    elif screen and action in ("next", "skip"):
        _complete(answers, screen, checklist, skip=action == "skip")
        history.append(",".join(screen))
    ev = _evaluate(state, regions, region, answers, 1, today())
    pick = None if action == "results" else next_question(ev)
    ctx.update(
        household_region=region,
        carried=carried(answers.household, None) + carried(answers.members.get(0, {}), 0),
        history=history,
        errors=[e.message for e in answers.errors],
    )
    if pick is not None:
        ctx.update(question=_question_view(state, pick), step=len(history) + 1)
        page = "eligibility/question.html"
    else:
        ctx.update(_results_view(snap, ev))
        page = "eligibility/results.html"
    return _no_store(render(request, page, ctx, json_url=JSON_TWIN))


def _complete(answers: FormAnswers, screen: list[str], checklist: set[str], *, skip: bool) -> None:
    """Unanswered fields of the screen: 不清楚 (skipped), or 否 for unticked boxes."""
    for name in screen:
        scope, _, fact = name.partition(".")
        target = answers.household if scope == "h" else answers.members.setdefault(0, {})
        if skip:
            target[fact] = None
        elif fact not in target:
            target[fact] = False if name in checklist else None


def _forget(answers: FormAnswers, names: list[str]) -> None:
    for name in names:
        scope, _, fact = name.partition(".")
        target = answers.household if scope == "h" else answers.members.get(0, {})
        target.pop(fact, None)


def _evaluate(
    state: EligibilityState,
    regions: RegionIndex,
    region: str,
    answers: FormAnswers,
    count: int,
    as_of: dt.date,
) -> Evaluation:
    members = tuple(
        Member(role=answers.roles.get(i, "applicant" if i == 0 else "other"), facts=facts)
        for i, facts in enumerate(answers.member_facts(count))
    )
    household = Household(region=region, as_of=as_of, facts=answers.household, members=members)
    return evaluate(state.ruleset, regions, household)


def _question_view(state: EligibilityState, pick: Pick) -> dict[str, Any]:
    facts = [state.ruleset.fact(f) for f in pick.facts]
    return {
        "pick": pick,
        "facts": facts,
        "fields": [(f, field_name(f.id, pick.member)) for f in facts],
        "sensitive": pick.sensitivity == "high",
    }


def _results_view(snap: Snapshot, ev: Evaluation) -> dict[str, Any]:
    data = evaluation_json(ev, member_details=True)
    groups: dict[str, list[dict[str, Any]]] = {key: [] for key in STATUS_ORDER}
    for result in data["results"]:
        key = "pending" if result["pending_standard"] else result["status"]
        groups[key].append(result)
    guides = {r["service"]: _guide(snap, r["service"], ev) for r in data["results"]}
    bases = {
        r.service.code: o.version.version.basis_zh
        for r in ev.results
        for o in r.deciding[:1]
        if o.version is not None
    }
    return {
        "bases": bases,
        "data": data,
        "groups": [(key, GROUP_TITLES[key], groups[key]) for key in STATUS_ORDER],
        "guides": guides,
        "sources": {s["id"]: s for s in data["sources"]},
    }


def _guide(snap: Snapshot, code: str, ev: Evaluation) -> dict[str, Any]:
    """What to bring and where to apply, from the catalogue (resolved for the region)."""
    try:
        detail = catalogue.service_detail(snap, code, region=ev.home.code, as_of=ev.household.as_of)
    except NotFound:
        return {"materials": None, "channels": None, "phone": None}
    return {key: detail.fields[key].value for key in ("materials", "channels", "phone")}


# ---- community worker: whole household ------------------------------------------------


@router.get("/eligibility/household")
async def household_page(request: Request) -> Response:
    """社区工作人员：为整户家庭逐项判断，可打印权益清单。"""
    snap = await _snapshot(request)
    state = state_of(request)
    ctx = _base(request, snap, state)
    ctx.update(_worker_form(FormAnswers(), 2, ctx["region"].code, today()))
    return _no_store(render(request, "eligibility/household.html", ctx, json_url=JSON_TWIN))


@router.post("/eligibility/household")
async def household_submit(request: Request) -> Response:
    """添加、删除家庭成员或判断整户（回答只在 POST 表单中）。"""
    snap = await _snapshot(request)
    state = state_of(request)
    regions = state.regions_from(snap)
    form = await request.form()
    ctx = _base(request, snap, state)
    answers = read_answers(state.ruleset, regions, _items(form))
    count = _count(form.get("count"))
    action = str(form.get("action") or "evaluate")
    as_of, date_error = _as_of(form.get("as_of"))
    region = _household_region(form, regions)
    errors = [e.message for e in answers.errors]
    if date_error:
        errors.append(date_error)
    if region is None:
        errors.append("请选择家庭居住的县（市、区）")
    if action == "add" and count < MAX_MEMBERS:
        count += 1
    elif action.startswith("remove:") and count > 1:
        _remove_member(answers, int(action.split(":")[1]) if action[7:].isdigit() else -1, count)
        count -= 1
    ctx.update(_worker_form(answers, count, region or ctx["region"].code, as_of))
    ctx["errors"] = errors
    status = 200
    if action == "evaluate" and not errors and region is not None:
        ev = _evaluate(state, regions, region, answers, count, as_of)
        ctx.update(_results_view(snap, ev), evaluated=True)
        ctx["still_to_ask"] = _still_to_ask(state.ruleset, ctx["data"]["results"])
    elif action == "evaluate":
        status = 422
    response = render(
        request, "eligibility/household.html", ctx, json_url=JSON_TWIN, status_code=status
    )
    return _no_store(response)


def _still_to_ask(ruleset: Ruleset, results: list[dict[str, Any]]) -> list[str]:
    """The questions the undecided results still need, each once (the printed sheet's line)."""
    labels: dict[str, None] = {}
    for result in results:
        if result["status"] == "unknown" and not result["pending_standard"]:
            for missing in result["missing_facts"]:
                labels.setdefault(ruleset.fact(missing["fact"]).label_zh, None)
    return list(labels)


def _count(raw: object) -> int:
    if isinstance(raw, str) and raw.isdigit():
        return max(1, min(MAX_MEMBERS, int(raw)))
    return 1


def _as_of(raw: object) -> tuple[dt.date, str | None]:
    if not isinstance(raw, str) or not raw:
        return today(), None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return today(), "政策日期格式应为 YYYY-MM-DD"


def _remove_member(answers: FormAnswers, index: int, count: int) -> None:
    if not 0 <= index < count:
        return
    members = [answers.members.get(i, {}) for i in range(count)]
    roles = [answers.roles.get(i, "other") for i in range(count)]
    del members[index]
    del roles[index]
    answers.members = dict(enumerate(members))
    answers.roles = dict(enumerate(roles))


def _worker_form(answers: FormAnswers, count: int, region: str, as_of: dt.date) -> dict[str, Any]:
    roles = {i: answers.roles.get(i, "applicant" if i == 0 else "other") for i in range(count)}

    def member_label(index: int) -> str:
        return f"成员{index + 1}（{ROLE_LABELS[roles.get(index, 'other')]}）"

    return {
        "member_label": member_label,
        "count": count,
        "members": [
            {
                "index": i,
                "role": roles[i],
                "facts": answers.members.get(i, {}),
            }
            for i in range(count)
        ],
        "household_facts": answers.household,
        "household_region": region,
        "as_of": as_of,
        "roles": ROLES,
        "errors": [],
        "evaluated": False,
    }
