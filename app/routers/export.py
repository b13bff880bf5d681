"""Bulk export of the provider directory in Open Referral HSDS 3.0 shape (streamed JSON)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.deps import NowDep, engine_of
from app.providers.hsds import HSDS_VERSION, TABLES, stream_hsds
from app.schemas import ErrorBody

router = APIRouter(prefix="/export", tags=["export"])

_TABLE_SCHEMA = {"type": "array", "items": {"type": "object"}}
HSDS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": f"HSDS {HSDS_VERSION} 表格形式的 JSON：每张表一个数组，行之间以 id 关联；"
        "本站扩展字段在 x_qianfu 键下",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["hsds_version", "x_qianfu", *TABLES],
                    "properties": {
                        "hsds_version": {"type": "string"},
                        "x_qianfu": {"type": "object"},
                        **dict.fromkeys(TABLES, _TABLE_SCHEMA),
                    },
                }
            }
        },
    },
    422: {"model": ErrorBody, "description": "参数格式或取值不合法"},
}


@router.get("/hsds", summary="导出办理点（HSDS 3.0）", responses=HSDS_RESPONSES)
def export_hsds(
    request: Request,
    now: NowDep,
    include_sample: Annotated[
        bool, Query(description="true 时包含程序生成的示例数据（x_qianfu.sample 为 true）")
    ] = False,
) -> StreamingResponse:
    """以开放转介（Open Referral）HSDS 3.0 的形式导出全部办理点：机构、服务、地点、
    服务地点、电话、开放时间、地址、语言、无障碍设施，附来源和核实状态。

    没有可靠来源的字段为 null；默认不含示例数据。数据量大时也边读边发送。
    """
    body = stream_hsds(engine_of(request), include_sample=include_sample, now=now)
    return StreamingResponse(
        body,
        media_type="application/json",
        headers={
            "Cache-Control": "public, max-age=300",
            "Content-Disposition": 'inline; filename="qianfu-hsds.json"',
        },
    )
