"""Account management for admins: list, create, disable or enable staff accounts."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..accounts import Account, AccountError
from ..deps import AdminDep, ResourcesDep
from ..errors import GatewayError

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/admin/accounts", tags=["accounts"])


class NewAccount(BaseModel):
    name: str = Field(..., max_length=64)
    role: str = Field(..., max_length=16)
    # None: the person logs in only through the proxy's SSO header.
    password: Optional[str] = Field(None, max_length=256)


class ActiveBody(BaseModel):
    active: bool


def _view(account: Account) -> Dict[str, Any]:
    return account.__dict__.copy()


@router.get("", summary="账号列表")
async def accounts(resources: ResourcesDep, admin: AdminDep) -> List[Dict[str, Any]]:
    return [_view(a) for a in await asyncio.to_thread(resources.accounts.accounts)]


@router.post("", summary="新建账号", status_code=201)
async def create(body: NewAccount, resources: ResourcesDep, admin: AdminDep) -> Dict[str, Any]:
    try:
        account = await asyncio.to_thread(
            resources.accounts.add, body.name, body.role, body.password
        )
    except AccountError as error:
        raise GatewayError(422, "invalid_account", str(error)) from error
    logger.info("gateway.account_added name=%s role=%s by=%s", body.name, body.role, admin.name)
    return _view(account)


@router.post("/{name}/active", summary="启用或停用账号")
async def set_active(
    name: str, body: ActiveBody, resources: ResourcesDep, admin: AdminDep
) -> Dict[str, Any]:
    if name == admin.name and not body.active:
        raise GatewayError(422, "invalid_account", "不能停用自己的账号")
    try:
        await asyncio.to_thread(resources.accounts.set_active, name, body.active)
    except AccountError as error:
        raise GatewayError(404, "unknown_account", str(error)) from error
    logger.info("gateway.account_active name=%s active=%s by=%s", name, body.active, admin.name)
    return {"name": name, "active": body.active}
