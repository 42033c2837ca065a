"""Dependencies shared by the routes (Annotated aliases)."""

from typing import Annotated

from fastapi import Depends, Query, Request

from wenzeng.services.context import Context


async def get_ctx(request: Request) -> Context:
    """The running context (async: no trip through the thread pool for an attribute)."""
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_ctx)]
LangQuery = Annotated[str | None, Query(pattern="^(zh|en)$", description="zh | en")]
