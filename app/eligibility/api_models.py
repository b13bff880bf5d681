"""Response shapes of the eligibility API, for the OpenAPI document and for tests.

The routes serialise plain dictionaries built by :mod:`app.eligibility.present` (fast); these
models describe exactly those dictionaries (``extra="forbid"``), and the tests validate real
responses against them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["eligible", "not_eligible", "unknown", "needs_verification"]
Level = Literal["national", "province", "prefecture", "county", "township"]


class Out(BaseModel):
    """Base: immutable, no extra keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class RegionOut(Out):
    """地区。"""

    code: str = Field(description="区划代码")
    name: str = Field(description="名称")
    level: Level = Field(description="层级")


class ReasonOut(Out):
    """一条决定性理由。"""

    leaf: str = Field(description="条件编号（规则文件中稳定的 id）")
    outcome: Literal["pass", "fail", "unknown", "pending"] = Field(
        description="pass 符合、fail 不符合、unknown 还需要回答、pending 当地标准待核实"
    )
    text: str = Field(description="通俗说明")
    member: int | None = Field(description="家庭成员序号（从 0 开始）；null 表示整个家庭")


class HintOut(Out):
    """“如果……可能符合”的提示。"""

    leaf: str = Field(description="条件编号")
    text: str = Field(description="提示")
    member: int | None = Field(description="家庭成员序号；null 表示整个家庭")


class MissingFactOut(Out):
    """还需要回答的问题。"""

    fact: str = Field(description="事实编号，见 GET /api/v1/eligibility/facts")
    member: int | None = Field(description="家庭成员序号；null 表示家庭事实")
    declined: bool = Field(description="已回答“不清楚”（问卷不再重复询问）")


class ParameterOut(Out):
    """地方标准及其出处。"""

    id: str = Field(description="参数编号")
    label: str = Field(description="名称")
    unit: str = Field(description="单位")
    value: float | None = Field(description="取值；null 表示标准待核实（不作猜测）")
    level: Level | None = Field(description="取值所属层级（县→市→省→国家回退）")
    region: RegionOut | None = Field(description="取值所属地区")
    valid_from: dt.date | None = Field(description="生效日期")
    sources: list[str] = Field(description="来源编号")
    note: str | None = Field(description="说明")


class RuleOut(Out):
    """决定结果的规则文件和版本。"""

    file: str = Field(description="规则文件")
    digest: str = Field(description="规则文件内容摘要")
    version: str | None = Field(
        description="版本：适用地区@生效日期（national@- 表示全国、无起始日期）"
    )
    sources: list[str] = Field(description="来源编号")


class MemberResultOut(Out):
    """某位家庭成员的结果。"""

    member: int = Field(description="家庭成员序号")
    status: Status | Literal["not_applicable"] = Field(description="状态")
    status_label: str = Field(description="状态中文说明")
    reasons: list[ReasonOut] = Field(
        default_factory=list,
        description="理由（仅网页的整户判断在成员状态与总体状态不同时列出；接口不列出）",
    )
    hints: list[HintOut] = Field(default_factory=list, description="提示（同上）")
    missing_facts: list[MissingFactOut] = Field(
        default_factory=list, description="还需要回答（同上）"
    )
    missing_parameters: list[str] = Field(default_factory=list, description="待核实的标准（同上）")


class ServiceResultOut(Out):
    """一项服务的判断结果。"""

    service: str = Field(description="服务代码")
    name: str = Field(description="服务名称")
    entity: Literal["person", "household"] = Field(description="按个人还是按家庭判断")
    region_basis: Literal["hukou", "residence"] = Field(description="按户籍地还是居住地判断")
    status: Status = Field(
        description="eligible 可能符合、needs_verification 初步符合需核实、"
        "unknown 还需要回答（或标准待核实）、not_eligible 暂不符合"
    )
    status_label: str = Field(description="状态中文说明")
    headline: str = Field(description="一句话结论")
    discretionary: bool = Field(description="由主管部门酌情认定")
    pending_standard: bool = Field(description="只因当地标准待核实而无法判断")
    reasons: list[ReasonOut] = Field(description="决定性理由（不是全部条件）")
    hints: list[HintOut] = Field(description="数值条件的“如果……”提示")
    missing_facts: list[MissingFactOut] = Field(description="还需要回答的问题")
    missing_parameters: list[str] = Field(description="待核实的地方标准（不是问题）")
    also_required: list[str] = Field(
        description="程序无法核对、需工作人员核实的条件（结果可能符合或待定时列出）"
    )
    caveats: list[str] = Field(description="补充说明（结果不符合或待定时列出）")
    parameters: list[ParameterOut] = Field(description="用到的地方标准及出处")
    rule: RuleOut = Field(description="规则出处")
    members: list[MemberResultOut] = Field(description="按个人判断的服务：每位成员的结果")


class SourceRefOut(Out):
    """来源。"""

    id: str = Field(description="来源编号")
    title: str = Field(description="标题")
    doc_no: str | None = Field(description="文号")
    issuer: str | None = Field(description="发布机构")
    url: str | None = Field(description="网址")


class SummaryOut(Out):
    """各状态的服务数。"""

    eligible: int
    needs_verification: int
    unknown: int
    not_eligible: int


class EvaluateResponse(Out):
    """资格判断结果。"""

    ruleset_version: str = Field(description="规则集版本（内容摘要），便于复现")
    as_of: dt.date = Field(description="按哪一天的政策判断")
    region: RegionOut = Field(description="家庭居住地")
    disclaimer: str = Field(description="结果仅供参考，以主管部门审核认定为准")
    policy_note: str = Field(description="政策日期说明")
    summary: SummaryOut
    results: list[ServiceResultOut]
    skipped: list[str] = Field(description="该日期没有适用规则的服务")
    sources: list[SourceRefOut] = Field(description="结果引用的来源")


class OptionOut(Out):
    """选项。"""

    value: str | int
    label: str


class FactOut(Out):
    """问卷中的一个问题（事实）。"""

    id: str = Field(description="事实编号；person.* 按成员回答，household.* 按家庭回答")
    entity: Literal["person", "household"]
    type: Literal["bool", "int", "money", "decimal", "enum", "region"]
    label: str = Field(description="简称")
    question: str = Field(description="问题")
    help: str | None = Field(description="说明")
    unit: str | None = Field(description="单位")
    min: float | None = Field(description="最小值")
    max: float | None = Field(description="最大值")
    options: list[OptionOut] = Field(description="选项")
    sensitivity: Literal["low", "medium", "high"] = Field(description="敏感程度")
    ask_of: Literal["resident", "worker", "both"] = Field(description="由谁回答")


class QuestionGroupOut(Out):
    """一屏问题（多选或小表单）。"""

    id: str
    entity: Literal["person", "household"]
    kind: Literal["checklist", "form"]
    text: str
    help: str | None
    facts: list[str]


class ServiceRuleOut(Out):
    """有资格规则的服务。"""

    code: str
    name: str
    entity: Literal["person", "household"]
    region_basis: Literal["hukou", "residence"]
    discretionary: bool
    also_required: list[str] = Field(description="程序无法核对、需工作人员核实的条件")
    caveats: list[str] = Field(description="补充说明")
    sources: list[str] = Field(description="规则依据的来源编号")


class FactsResponse(Out):
    """问卷词汇表。"""

    ruleset_version: str
    facts: list[FactOut]
    questions: list[QuestionGroupOut]
    roles: list[OptionOut]
    services: list[ServiceRuleOut]


class QuestionOut(Out):
    """下一屏问题。"""

    id: str = Field(description="问题组编号，或单个事实编号")
    kind: Literal["single", "checklist", "form"]
    text: str
    help: str | None
    member: int | None = Field(description="问哪位家庭成员；null 表示家庭")
    sensitivity: Literal["low", "medium", "high"]
    facts: list[FactOut] = Field(description="这一屏要回答的事实")
    why: list[str] = Field(description="用于判断哪些服务")


class NextQuestionResponse(Out):
    """下一个最值得问的问题。"""

    ruleset_version: str
    done: bool = Field(description="没有能改变结果的问题了")
    question: QuestionOut | None
    remaining_estimate: int = Field(description="还可能需要回答的问题数（上限估计）")
    summary: SummaryOut


class ConditionLine(Out):
    """条件清单中的一行。"""

    depth: int = Field(description="缩进层级")
    text: str = Field(description="条件")
    leaf: str | None = Field(description="条件编号；分组行为 null")


class ServiceConditions(Out):
    """服务的申请条件（由资格规则生成）。"""

    ruleset_version: str
    entity: Literal["person", "household"]
    region_basis: Literal["hukou", "residence"]
    region_basis_note: str | None
    version: str
    basis: str
    conditions: list[ConditionLine]
    also_required: list[str]
    caveats: list[str]
    discretionary: bool
    sources: list[str]
