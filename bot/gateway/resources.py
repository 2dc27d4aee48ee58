"""Everything the gateway opens at start-up and closes at shutdown, built from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Optional, Tuple

import httpx
from redis.asyncio import Redis

from bot.settings import Settings
from connectors.hotline.assist import AgentAssist
from connectors.hotline.callers import CallerHistory
from connectors.hotline.calls import CallFeed, CallStore
from connectors.hotline.feedback import FeedbackStore
from connectors.hotline.handover import HandoverDesk
from connectors.hotline.service import HotlineService
from connectors.http_logs import hide_query_strings
from connectors.limits import RateLimiter
from connectors.rasa import RasaClient
from connectors.replay import ReplayGuard
from connectors.store import KeyValueStore, MemoryStore, RedisStore
from connectors.wechat.api import WeChatApi
from connectors.wechat.handler import WeChatConnector
from connectors.wechat.protocol import WeChatConfig
from knowledge.search import default_index

from .accounts import AccountStore
from .chat_session import ChatSessions
from .clients import Network, parse_networks
from .sessions import StaffSessions

logger = logging.getLogger(__name__)

LOGIN_TRIES_PER_NAME = 10
LOGIN_TRIES_PER_ADDRESS = 30


@dataclass
class Resources:
    settings: Settings
    http: httpx.AsyncClient
    redis: Optional[Redis]
    store: KeyValueStore
    rasa: RasaClient
    wechat: Optional[WeChatConnector]
    wechat_config: Optional[WeChatConfig]
    hotline: HotlineService
    feed: CallFeed
    handover: HandoverDesk
    limiter: RateLimiter
    replay: ReplayGuard
    accounts: AccountStore
    staff_sessions: StaffSessions
    chat_sessions: ChatSessions
    login_limiter: RateLimiter
    trusted_proxies: Tuple[Network, ...]
    sso_proxies: Tuple[Network, ...]
    # Reads the shared call feed when Redis is configured (CallFeed.follow).
    feed_reader: Optional[asyncio.Task[None]] = None

    async def close(self) -> None:
        if self.feed_reader is not None:
            self.feed_reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.feed_reader
        self.accounts.close()
        if self.wechat is not None:
            await self.wechat.close()
        self.hotline.feedback.close()
        await self.http.aclose()
        if self.redis is not None:
            await self.redis.close()


async def open_resources(settings: Settings) -> Resources:
    """One shared HTTP client, the state store, the connectors; the knowledge index warmed up."""
    # Rasa's token and WeChat's credentials travel in query strings of this client's requests.
    hide_query_strings()
    timeout = httpx.Timeout(settings.http_read_timeout, connect=settings.http_connect_timeout)
    http = httpx.AsyncClient(
        timeout=timeout, limits=httpx.Limits(max_connections=200, max_keepalive_connections=50)
    )
    redis: Optional[Redis] = (
        Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=settings.redis_connect_timeout,
            socket_timeout=settings.redis_socket_timeout,
        )
        if settings.redis_url
        else None
    )
    store: KeyValueStore = RedisStore(redis) if redis is not None else MemoryStore()
    rasa = RasaClient(
        http,
        settings.rasa_urls(),
        settings.resolved_rasa_token(),
        turn_timeout=settings.gateway_rasa_timeout,
        parse_timeout=settings.http_read_timeout,
        down_seconds=settings.rasa_down_seconds,
        resend_delay=settings.rasa_resend_delay,
    )
    limiter = RateLimiter(
        store, settings.rate_limit_user, settings.rate_limit_ip, settings.rate_limit_window
    )
    feed = CallFeed(
        max_subscribers=settings.agent_feed_max_subscribers,
        redis=redis,
        block_ms=max(50, int(settings.redis_socket_timeout * 500)),
    )
    handover = HandoverDesk(rasa.tracker, feed.publish_handover)
    wechat_config: Optional[WeChatConfig] = None
    wechat: Optional[WeChatConnector] = None
    if settings.wechat_token:
        wechat_config = WeChatConfig(
            token=settings.wechat_token,
            app_id=settings.wechat_app_id,
            aes_key=settings.wechat_aes_key,
            timestamp_window=settings.wechat_timestamp_window,
        )
        api = (
            WeChatApi(
                http,
                store,
                settings.wechat_api_base,
                settings.wechat_app_id,
                settings.wechat_app_secret,
                retries=settings.http_retries,
            )
            if settings.wechat_app_id and settings.wechat_app_secret
            else None
        )
        wechat = WeChatConnector(
            rasa,
            api,
            store,
            settings.wechat_reply_budget,
            settings.wechat_dedupe_ttl,
            handover.hand_over,
        )
    feedback = await asyncio.to_thread(FeedbackStore, settings.resolved_feedback_database_url())
    hotline = HotlineService(
        CallStore(store, settings.hotline_call_ttl, redis),
        feed,
        AgentAssist(rasa, default_index),
        feedback,
        CallerHistory(
            store, settings.resolved_hotline_caller_key(), settings.hotline_repeat_window
        ),
    )
    accounts = await asyncio.to_thread(AccountStore, settings.resolved_feedback_database_url())
    if not await asyncio.to_thread(accounts.has_admin):
        logger.warning(
            "gateway.no_admin_account create one with: "
            "python -m bot.gateway.accounts add --role admin NAME"
        )
    secret = settings.resolved_session_secret()
    # Password guessing: ten tries per name and thirty per address in five minutes.
    login_limiter = RateLimiter(store, LOGIN_TRIES_PER_NAME, LOGIN_TRIES_PER_ADDRESS, 300)
    # Building the BM25 index takes a moment; do it now rather than in the first call's budget.
    await asyncio.to_thread(default_index)
    logger.info(
        "gateway.started rasa=%s redis=%s wechat=%s",
        ",".join(settings.rasa_urls()),
        bool(redis),
        "on" if wechat else "off",
    )
    resources = Resources(
        settings,
        http,
        redis,
        store,
        rasa,
        wechat,
        wechat_config,
        hotline,
        feed,
        handover,
        limiter,
        ReplayGuard(store),
        accounts,
        StaffSessions(store, settings.staff_session_ttl, secret),
        ChatSessions(secret),
        login_limiter,
        parse_networks(settings.trusted_proxies),
        parse_networks(settings.sso_proxies),
    )
    if redis is not None:
        resources.feed_reader = asyncio.create_task(feed.follow())
    return resources
