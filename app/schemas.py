"""Public response shapes of the catalogue, shared by the JSON API and the HTML pages.

Descriptions are Chinese: they become the OpenAPI documentation mini-program teams read.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.eligibility.api_models import ServiceConditions

T = TypeVar("T")


class Out(BaseModel):
    """Base of response models: immutable, no extra keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceOut(Out):
    """信息来源。"""

    id: str = Field(description="来源编号")
    title: str = Field(description="文件或页面标题")
    doc_no: str | None = Field(description="文号；null 表示无或待核实")
    issuer: str | None = Field(description="发布机构")
    published_on: dt.date | None = Field(description="发布日期")
    url: str | None = Field(description="所读副本的网址")
    note: str | None = Field(description="来源说明：转载、摘录、可信程度等")


class VerificationOut(Out):
    """核实状态。"""

    status: Literal["verified", "unverified", "sample"] = Field(
        description="verified＝已对照来源原文核对；unverified＝未核对；sample＝示例数据"
    )
    label: str = Field(description="状态的中文说明")
    checked_on: dt.date | None = Field(description="核对日期（仅 verified）")
    note: str | None = Field(description="核对说明")


class RegionRef(Out):
    """地区（简要）。"""

    code: str = Field(description="GB/T 2260 区划代码（6位）或乡镇/街道代码（9位）")
    name: str = Field(description="名称")
    level: Literal["province", "prefecture", "county", "township"] = Field(
        description="层级：province 省、prefecture 市(州)、county 县(市、区)、township 乡镇(街道)"
    )


class Coordinates(Out):
    """坐标。"""

    lat: float = Field(description="纬度")
    lng: float = Field(description="经度")
    coordtype: Literal["gcj02"] = Field(description="坐标系：gcj02（高德/腾讯/微信）")


class RegionOut(RegionRef):
    """地区详情。"""

    parent: RegionRef | None = Field(description="上级地区")
    seat: Coordinates | None = Field(description="政府驻地坐标；null 表示待核实")
    children_count: int = Field(description="下级地区数")
    source: str = Field(description="数据来源与许可")
    verification: VerificationOut = Field(description="核实状态")


class AreaOut(Out):
    """七有两保障领域。"""

    code: str = Field(description="领域代码")
    name: str = Field(description="名称，如 幼有所育")
    ordinal: int = Field(description="序号 1–9")
    description: str = Field(description="通俗说明")
    service_count: int = Field(description="该地区、该日期可见的服务数")


class CategoryOut(Out):
    """国家基本公共服务标准的大类。"""

    code: str = Field(description="大类编号 01–22（按国家标准目录）")
    name: str = Field(description="名称")
    area: str = Field(description="所属领域代码")
    service_count: int = Field(description="该地区、该日期可见的服务数")


class LifeEventOut(Out):
    """人生事项。"""

    code: str = Field(description="人生事项代码")
    name: str = Field(description="名称，如 生育")
    description: str = Field(description="通俗说明")
    service_count: int = Field(description="该地区、该日期可见的服务数")


class Labelled(Out):
    """带中文名称的代码。"""

    code: str = Field(description="代码")
    name: str = Field(description="中文名称")


class StandardRefOut(Out):
    """服务对应的国家基本公共服务标准条目。"""

    edition: Literal["2021", "2023"] = Field(description="标准版本")
    item_no: str | None = Field(description="条目编号，如 20.(1)；null 表示待核实")
    item_name: str = Field(description="条目名称")
    in_force: bool = Field(description="该版本在查询日期是否有效")
    sources: list[SourceOut] = Field(description="来源")


class ServiceSummary(Out):
    """服务（列表项）。"""

    code: str = Field(description="稳定的服务代码")
    name: str = Field(description="服务名称")
    aliases: list[str] = Field(description="常用叫法")
    tier: Labelled = Field(description="层级：basic 基本、inclusive 普惠性非基本、life 生活服务")
    area: Labelled = Field(description="所属领域")
    category: Labelled | None = Field(description="所属大类；非基本服务为 null")
    scope: RegionRef = Field(description="服务提供范围（省、市州或县）")
    summary: str | None = Field(description="通俗说明；null 表示待核实")
    standard_refs: list[Labelled] = Field(
        description="对应的国家标准条目（code＝版本，name＝条目名称）"
    )
    verification: VerificationOut = Field(description="服务记录的核实状态")


class ResolvedValue(Out):
    """一个字段在所选地区和日期的取值及出处。"""

    field: str = Field(description="字段代码")
    label: str = Field(description="字段中文名")
    status: Literal["current", "superseded", "missing"] = Field(
        description="current＝该日期有效；superseded＝只有已被新版取代的旧文本；missing＝待核实"
    )
    value: str | list[str] | None = Field(description="取值；null 表示待核实")
    level: Literal["national", "province", "prefecture", "county", "township"] | None = Field(
        description="取值所属层级（县→市→省→国家依次回退）"
    )
    region: RegionRef | None = Field(description="取值所属地区；国家层级为 null")
    edition: str | None = Field(description="引自国家标准的版本")
    valid_from: dt.date | None = Field(description="生效日期")
    valid_to: dt.date | None = Field(description="失效日期（不含）")
    verification: VerificationOut | None = Field(description="核实状态")
    sources: list[SourceOut] = Field(description="来源")


class ResolvedAmount(Out):
    """金额及出处。"""

    key: str = Field(description="金额代码")
    label: str = Field(description="名称")
    value: float | None = Field(description="金额（元）；null 表示待核实")
    unit: str = Field(description="单位，如 元/人/月")
    status: Literal["current", "superseded"] = Field(description="该日期是否有效")
    level: Literal["national", "province", "prefecture", "county", "township"] = Field(
        description="所属层级"
    )
    region: RegionRef | None = Field(description="所属地区；国家层级为 null")
    valid_from: dt.date | None = Field(description="生效日期")
    valid_to: dt.date | None = Field(description="失效日期（不含）")
    verification: VerificationOut = Field(description="核实状态")
    sources: list[SourceOut] = Field(description="来源")


class ServiceDetail(ServiceSummary):
    """服务详情：按地区和日期解析后的各字段及其出处。"""

    region: RegionRef = Field(description="解析所用的地区")
    as_of: dt.date = Field(description="解析所用的日期")
    valid_from: dt.date | None = Field(description="服务开始日期")
    valid_to: dt.date | None = Field(description="服务结束日期")
    note: str | None = Field(description="编辑说明")
    life_events: list[Labelled] = Field(description="所属人生事项")
    standard: list[StandardRefOut] = Field(description="国家标准条目及来源")
    fields: dict[str, ResolvedValue] = Field(
        description="按字段代码索引的取值：target 服务对象、content 服务内容、standard 服务标准、"
        "funding 支出责任、lead_dept 牵头负责单位，以及办事指南各要素"
    )
    amounts: list[ResolvedAmount] = Field(description="金额")
    sources: list[SourceOut] = Field(description="服务记录本身的来源")
    eligibility: ServiceConditions | None = Field(
        default=None, description="申请条件清单（由资格规则生成）；没有资格规则的服务为 null"
    )


class Page(Out, Generic[T]):
    """分页列表。"""

    items: list[T] = Field(description="本页条目")
    next_cursor: str | None = Field(description="下一页游标；null 表示已是最后一页")
    total: int = Field(description="符合条件的总数")


class ListOf(Out, Generic[T]):
    """不分页的短列表。"""

    items: list[T] = Field(description="条目")


class ErrorDetail(Out):
    """错误信息。"""

    code: str = Field(description="稳定的错误代码，如 region_not_found")
    message: str = Field(description="中文说明")
    field: str | None = Field(default=None, description="出错的参数名")


class ErrorBody(Out):
    """错误响应。"""

    error: ErrorDetail
    request_id: str | None = Field(default=None, description="请求编号，便于反馈问题")
