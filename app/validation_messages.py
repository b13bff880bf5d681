"""Chinese wording for pydantic validation errors, shared by the API and ``qianfu check``.

Only the error type and schema limits (``ctx``) are used, never the submitted value.
"""

from __future__ import annotations

from typing import Any

_MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "string_pattern_mismatch": "格式不正确",
    "string_too_long": "太长，最多 {max_length} 个字符",
    "string_too_short": "太短，至少 {min_length} 个字符",
    "string_type": "必须是文本",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "decimal_parsing": "必须是数字",
    "finite_number": "必须是有限数字",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "date_parsing": "必须是 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "必须是 YYYY-MM-DD 格式的日期",
    "date_from_datetime_inexact": "必须是 YYYY-MM-DD 格式的日期",
    "date_type": "必须是 YYYY-MM-DD 格式的日期",
    "enum": "取值必须是：{expected}",
    "literal_error": "取值必须是：{expected}",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "JSON 格式错误",
    "bool_parsing": "必须是 true 或 false",
    "bool_type": "必须是 true 或 false",
    "list_type": "必须是列表",
    "dict_type": "必须是映射（键: 值）",
    "model_type": "必须是映射（键: 值）",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
}


def describe(error: dict[str, Any]) -> str:
    """A Chinese sentence for one pydantic error; custom validator messages pass through."""
    kind = str(error.get("type", ""))
    if kind == "value_error":
        return str(error.get("msg", "取值不合法")).removeprefix("Value error, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return "取值不合法"
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if k != "input"}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：: ") or "取值不合法"
