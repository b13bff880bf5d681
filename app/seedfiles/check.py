"""Cross-file checks of the seed: every reference resolves and no two facts collide.

Each check yields :class:`~app.seedfiles.load.Problem` records naming file and record, so a
reviewer sees every mistake in one run of ``qianfu check``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from app.domain import PROVINCE_CODE, RegionLevel

if TYPE_CHECKING:
    from app.seedfiles.load import Problem, SeedBundle
    from app.seedfiles.schema import ServiceFile

_FAR_FUTURE = dt.date.max


def cross_check(bundle: SeedBundle) -> list[Problem]:
    """Run every cross-file check and return all problems found."""
    problems: list[Problem] = []
    for check in (
        _check_sources,
        _check_taxonomy,
        _check_regions,
        _check_services,
        _check_providers,
    ):
        problems.extend(check(bundle))
    return problems


def _dupes(values: Iterable[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _check_sources(bundle: SeedBundle) -> Iterator[Problem]:
    from app.seedfiles.load import Problem

    for dup in _dupes(s.id for s in bundle.sources.sources):
        yield Problem("seed/sources", dup, "来源 id 重复")


def _check_taxonomy(bundle: SeedBundle) -> Iterator[Problem]:
    from app.seedfiles.load import Problem

    tax = bundle.taxonomy
    file = "seed/taxonomy.yaml"
    source_ids = {s.id for s in bundle.sources.sources}
    for kind, codes in (
        ("领域", [a.code for a in tax.areas]),
        ("大类", [c.code for c in tax.categories]),
        ("人生事项", [e.code for e in tax.life_events]),
        ("标准版本", [e.code for e in tax.editions]),
    ):
        for dup in _dupes(codes):
            yield Problem(file, dup, f"{kind}代码重复")
    if len(tax.areas) != 9:
        yield Problem(file, None, f"应有 9 个领域，实有 {len(tax.areas)} 个")
    if len(tax.categories) != 22:
        yield Problem(file, None, f"应有 22 个大类，实有 {len(tax.categories)} 个")
    areas = {a.code for a in tax.areas}
    for cat in tax.categories:
        if cat.area not in areas:
            yield Problem(file, cat.code, f"大类所属领域 {cat.area} 不存在")
    for edition in tax.editions:
        for sid in edition.sources:
            if sid not in source_ids:
                yield Problem(file, edition.code, f"来源 {sid} 未在 seed/sources/ 中登记")


def _check_regions(bundle: SeedBundle) -> Iterator[Problem]:
    from app.seedfiles.load import Problem

    codes = {r.code for r in bundle.regions}
    for dup in _dupes(r.code for r in bundle.regions):
        yield Problem("seed/regions", dup, "区划代码重复")
    if PROVINCE_CODE not in codes:
        yield Problem("seed/regions", PROVINCE_CODE, "缺少贵州省")
    expected_parent = {
        RegionLevel.PREFECTURE: RegionLevel.PROVINCE,
        RegionLevel.COUNTY: RegionLevel.PREFECTURE,
        RegionLevel.TOWNSHIP: RegionLevel.COUNTY,
    }
    levels = {r.code: r.level for r in bundle.regions}
    for region in bundle.regions:
        if region.level is RegionLevel.PROVINCE:
            continue
        parent_level = levels.get(region.parent_code or "")
        if parent_level is not expected_parent[region.level]:
            yield Problem(
                "seed/regions", region.code, f"上级区划 {region.parent_code} 不存在或层级不对"
            )


def _check_services(bundle: SeedBundle) -> Iterator[Problem]:
    tax = bundle.taxonomy
    context = _Context(
        source_ids={s.id for s in bundle.sources.sources},
        region_codes={r.code for r in bundle.regions},
        areas={a.code for a in tax.areas},
        category_area={c.code: c.area for c in tax.categories},
        life_events={e.code for e in tax.life_events},
        editions={e.code for e in tax.editions},
    )
    for code, service in bundle.services.items():
        yield from _check_service(bundle.service_files[code], service, context)


class _Context:
    def __init__(
        self,
        *,
        source_ids: set[str],
        region_codes: set[str],
        areas: set[str],
        category_area: dict[str, str],
        life_events: set[str],
        editions: set[str],
    ) -> None:
        self.source_ids = source_ids
        self.region_codes = region_codes
        self.areas = areas
        self.category_area = category_area
        self.life_events = life_events
        self.editions = editions


def _check_service(file: str, service: ServiceFile, ctx: _Context) -> Iterator[Problem]:
    from app.seedfiles.load import Problem

    code = service.code

    def problem(message: str) -> Problem:
        return Problem(file, code, message)

    if service.area not in ctx.areas:
        yield problem(f"领域 {service.area} 不存在")
    if service.category is not None:
        owner = ctx.category_area.get(service.category)
        if owner is None:
            yield problem(f"大类 {service.category} 不存在")
        elif owner != service.area:
            yield problem(f"大类 {service.category} 属于领域 {owner}，不属于 {service.area}")
    if service.region not in ctx.region_codes:
        yield problem(f"服务范围地区 {service.region} 不在区划表中")
    for event in service.life_events:
        if event not in ctx.life_events:
            yield problem(f"人生事项 {event} 不存在")
    for sid in _all_source_ids(service):
        if sid not in ctx.source_ids:
            yield problem(f"来源 {sid} 未在 seed/sources/ 中登记")
    for ref in service.standard_refs:
        if ref.edition not in ctx.editions:
            yield problem(f"标准版本 {ref.edition} 不存在")
    for dup in _dupes(ref.edition for ref in service.standard_refs):
        yield problem(f"同一服务对 {dup} 年版只能引用一个条目")
    for name, values in service.fields.items():
        for value in values:
            if value.region != "national" and value.region not in ctx.region_codes:
                yield problem(f"字段 {name} 的地区 {value.region} 不在区划表中")
        yield from (
            problem(f"字段 {name} 在地区 {region} 的有效期重叠")
            for region in _overlapping((v.region, v.valid_from, v.valid_to) for v in values)
        )
    for amount in service.amounts:
        if amount.region != "national" and amount.region not in ctx.region_codes:
            yield problem(f"金额 {amount.key} 的地区 {amount.region} 不在区划表中")
    for key in {a.key for a in service.amounts}:
        spans = ((a.region, a.valid_from, a.valid_to) for a in service.amounts if a.key == key)
        for region in _overlapping(spans):
            yield problem(f"金额 {key} 在地区 {region} 的有效期重叠")


def _all_source_ids(service: ServiceFile) -> set[str]:
    ids = set(service.sources)
    for ref in service.standard_refs:
        ids.update(ref.sources)
    for values in service.fields.values():
        for value in values:
            ids.update(value.sources)
    for amount in service.amounts:
        ids.update(amount.sources)
    return ids


def _overlapping(
    spans: Iterable[tuple[str, dt.date | None, dt.date | None]],
) -> list[str]:
    """Regions where two dated spans overlap (open ends count as unbounded)."""
    by_region: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for region, start, end in spans:
        by_region.setdefault(region, []).append((start or dt.date.min, end or _FAR_FUTURE))
    bad = []
    for region, ranges in by_region.items():
        ranges.sort()
        if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(ranges)):
            bad.append(region)
    return sorted(bad)


def _check_providers(bundle: SeedBundle) -> Iterator[Problem]:
    from app.seedfiles.load import Problem

    regions = {r.code for r in bundle.regions}
    sources = {s.id for s in bundle.sources.sources}
    for dup in _dupes(entry.id for _, entry in bundle.providers):
        yield Problem("seed/providers", dup, "办理点编号重复")
    for file, entry in bundle.providers:
        if entry.region not in regions:
            yield Problem(file, entry.id, f"地区 {entry.region} 不在区划表中")
        for code in entry.services:
            if code not in bundle.services:
                yield Problem(file, entry.id, f"服务 {code} 不存在")
        for sid in entry.sources:
            if sid not in sources:
                yield Problem(file, entry.id, f"来源 {sid} 未在 seed/sources/ 中登记")
        if entry.verification.status.value == "sample":
            yield Problem(file, entry.id, "示例数据不能放进种子文件（请用 qianfu demo 生成）")
