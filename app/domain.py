"""Vocabulary shared by the seed, the database and the API: tiers, statuses, field kinds.

Kept free of database and HTTP imports so every layer can use it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Tier(StrEnum):
    """The plan's three tiers of service."""

    BASIC = "basic"
    INCLUSIVE = "inclusive"
    LIFE = "life"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return TIER_LABELS[self]


TIER_LABELS: Final = {
    Tier.BASIC: "基本公共服务",
    Tier.INCLUSIVE: "普惠性非基本公共服务",
    Tier.LIFE: "生活服务",
}


class VerificationStatus(StrEnum):
    """How far a fact has been checked against its cited source."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    SAMPLE = "sample"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS: Final = {
    VerificationStatus.VERIFIED: "已核对来源",
    VerificationStatus.UNVERIFIED: "未核对",
    VerificationStatus.SAMPLE: "示例数据",
}


class RegionLevel(StrEnum):
    """GB/T 2260 levels present in Guizhou's data, plus 乡镇/街道 from NBS codes."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return REGION_LEVEL_LABELS[self]


REGION_LEVEL_LABELS: Final = {
    RegionLevel.PROVINCE: "省",
    RegionLevel.PREFECTURE: "市(州)",
    RegionLevel.COUNTY: "县(市、区)",
    RegionLevel.TOWNSHIP: "乡镇(街道)",
}

# The fields a service states. The first five are the national standard's own; the rest are
# the 办事指南 elements of a service guide (see shared/reference/china-portal.md §2.2).
STANDARD_FIELDS: Final = ("target", "content", "standard", "funding", "lead_dept")
GUIDE_FIELDS: Final = (
    "conditions",
    "materials",
    "process",
    "time_limit",
    "fees",
    "channels",
    "phone",
    "complaint",
    "legal_basis",
)
FIELD_KINDS: Final = STANDARD_FIELDS + GUIDE_FIELDS

FIELD_LABELS: Final = {
    "target": "服务对象",
    "content": "服务内容",
    "standard": "服务标准",
    "funding": "支出责任",
    "lead_dept": "牵头负责单位",
    "conditions": "受理条件",
    "materials": "申请材料",
    "process": "办理流程",
    "time_limit": "办理时限",
    "fees": "收费标准",
    "channels": "办理地点和渠道",
    "phone": "咨询电话",
    "complaint": "监督投诉",
    "legal_basis": "法律依据",
}


class ProviderType(StrEnum):
    """Kinds of provider location (HSDS-style categories of the providers catalogue)."""

    CHILDCARE = "childcare"
    KINDERGARTEN = "kindergarten"
    ELDERLY_STATION = "elderly_station"
    DAY_CARE = "day_care"
    NURSING_HOME = "nursing_home"
    COMMUNITY_HEALTH = "community_health"
    TOWNSHIP_HEALTH = "township_health"
    HOSPITAL = "hospital"
    LEGAL_AID = "legal_aid"
    EMPLOYMENT = "employment"
    SERVICE_WINDOW = "service_window"
    VETERANS_STATION = "veterans_station"
    CULTURE_STATION = "culture_station"
    LIBRARY = "library"
    CULTURE_CENTER = "culture_center"
    SPORTS_VENUE = "sports_venue"
    NOTARY = "notary"
    RELIEF_STATION = "relief_station"


# Chinese names of the provider types (plain ``str`` keys: documents carry the codes).
PROVIDER_TYPES: Final[dict[str, str]] = {
    ProviderType.CHILDCARE.value: "托育机构",
    ProviderType.KINDERGARTEN.value: "幼儿园",
    ProviderType.ELDERLY_STATION.value: "养老服务站",
    ProviderType.DAY_CARE.value: "日间照料中心",
    ProviderType.NURSING_HOME.value: "养老机构",
    ProviderType.COMMUNITY_HEALTH.value: "社区卫生服务中心",
    ProviderType.TOWNSHIP_HEALTH.value: "乡镇卫生院",
    ProviderType.HOSPITAL.value: "医院",
    ProviderType.LEGAL_AID.value: "法律援助中心",
    ProviderType.EMPLOYMENT.value: "公共就业服务机构",
    ProviderType.SERVICE_WINDOW.value: "便民服务中心",
    ProviderType.VETERANS_STATION.value: "退役军人服务站",
    ProviderType.CULTURE_STATION.value: "综合文化站",
    ProviderType.LIBRARY.value: "公共图书馆",
    ProviderType.CULTURE_CENTER.value: "文化馆",
    ProviderType.SPORTS_VENUE.value: "公共体育场馆",
    ProviderType.NOTARY.value: "公证处",
    ProviderType.RELIEF_STATION.value: "救助管理站",
}

PROVINCE_CODE: Final = "520000"
UNKNOWN_LABEL: Final = "待核实"
