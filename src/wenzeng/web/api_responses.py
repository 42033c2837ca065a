"""What the API's routes document beside their JSON answers: the error statuses each can
answer, all with the one error body (:class:`wenzeng.web.schemas.ErrorOut`), and the media
types of the files they send."""

from typing import Any

from wenzeng.web.schemas import ErrorOut

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ERROR_MEANINGS = {
    401: "未登录或令牌无效 / not logged in, or the token is invalid or revoked",
    403: "无权进行此操作（含浏览器会话的 CSRF 校验） / forbidden (also a failed CSRF check "
    "of a browser session)",
    404: "不存在，或调用者无权看到 / not found, or not visible to the caller",
    409: "状态或版本冲突：请刷新后重试 / conflict with the current state or version; reload",
    413: "文件或请求体超过限制（见 WENZENG_LIMIT_*）/ the file or the request body is over a "
    "limit (see WENZENG_LIMIT_*)",
    422: "请求或数据有误 / the request or its data is invalid",
}

Responses = dict[int | str, dict[str, Any]]


def errors(*statuses: int) -> Responses:
    """The error statuses a route can answer, each with the one error body."""
    return {s: {"model": ErrorOut, "description": ERROR_MEANINGS[s]} for s in statuses}


def download(*media_types: str) -> Responses:
    """A successful answer that is a file of one of ``media_types``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "文件 / the file", "content": {m: binary for m in media_types}}}
