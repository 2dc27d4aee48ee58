"""The hotline webhook events applied to call state: start, utterance, end, agent feedback."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Optional

from core.masking import mask_caller_number, mask_text

from .assist import AgentAssist
from .callers import CallerHistory, EarlierOrder
from .calls import CallFeed, CallState, CallStore, Line
from .feedback import FeedbackStore
from .models import Assist, CallEnded, CallStarted, Feedback, Utterance
from .subject import categories

logger = logging.getLogger(__name__)


class UnknownCall(Exception):
    """An event for a call the gateway has no record of (never started, or expired)."""


class UnknownSuggestion(Exception):
    """Feedback on a suggestion the gateway never gave for that call."""


class UnknownCategory(Exception):
    """A category the desk cannot file a work order under."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


class HotlineService:
    def __init__(
        self,
        calls: CallStore,
        feed: CallFeed,
        assist: AgentAssist,
        feedback: FeedbackStore,
        callers: CallerHistory,
    ) -> None:
        self.calls = calls
        self.feed = feed
        self.assist = assist
        self.feedback = feedback
        self.callers = callers

    async def started(self, event: CallStarted) -> CallState:
        async with self.calls.lock(event.call_id):
            state = await self.calls.get(event.call_id)
            if state is None:
                # A repeated start (platform retry) keeps what the call has gathered so far.
                state = CallState(
                    call_id=event.call_id,
                    caller=mask_caller_number(event.caller_number),
                    caller_key=self.callers.caller_key(event.caller_number),
                    line=event.line,
                    started_at=event.started_at or _now(),
                )
                state.earlier = await self.callers.earlier(
                    state.caller_key, _now(), but=state.call_id
                )
                await self.calls.put(state)
                await self._remember(state)
        logger.info(
            "hotline.call_started call=%s line=%s earlier=%s",
            state.call_id,
            state.line,
            len(state.earlier),
        )
        await self.feed.publish("call", state)
        return state

    async def utterance(self, event: Utterance) -> Optional[Assist]:
        """Append to the transcript; for the caller, the new suggestions and work-order draft."""
        async with self.calls.lock(event.call_id):
            state = await self.calls.get(event.call_id)
            if state is None:
                raise UnknownCall(event.call_id)
            line = Line(
                speaker=event.speaker,
                text=mask_text(event.text.strip(), keep_references=True),
                time=event.time or _now(),
            )
            if event.time is not None and line in state.transcript:
                # Speaker, words and the platform's own time: the platform resending this
                # utterance (signed anew), not the caller saying it again. Answered, not added.
                logger.info("hotline.utterance_repeated call=%s", event.call_id)
                return state.assist if event.speaker == "caller" else None
            # The transcript line is committed only with its assist, so a failure leaves no half.
            if event.speaker == "caller":
                draft = state.model_copy(deep=True)
                draft.transcript.append(line)
                assist = await self.assist.on_caller(draft, event.text.strip())
                draft.assist = assist
                draft.suggested += [s.id for s in assist.suggestions if s.id not in draft.suggested]
                state = draft
            else:
                state.transcript.append(line)
                assist = None
            await self.calls.put(state)
        await self.feed.publish("utterance", state)
        return assist

    async def pin(
        self,
        call_id: str,
        agent: str,
        category: Optional[str] = None,
        department: Optional[str] = None,
        summary: Optional[str] = None,
    ) -> CallState:
        """Fix the call's category, department or summary ("" frees one); the draft follows."""
        if category and category not in categories():
            raise UnknownCategory(category)
        async with self.calls.lock(call_id):
            state = await self.calls.get(call_id)
            if state is None:
                raise UnknownCall(call_id)
            if category is not None:
                state.pinned = category
            if department is not None:
                state.department = department
            if summary is not None:
                state.summary_edit = mask_text(summary.strip(), keep_references=True)
            texts = state.caller_texts()
            entities = state.assist.entities if state.assist else {}
            state.assist = await self.assist.refresh(state, texts[-1] if texts else "", entities)
            state.suggested += [
                s.id for s in state.assist.suggestions if s.id not in state.suggested
            ]
            await self.calls.put(state)
        logger.info(
            "hotline.category_pinned call=%s category=%s agent=%s", call_id, category, agent
        )
        await self.feed.publish("utterance", state)
        return state

    async def ended(self, event: CallEnded) -> CallState:
        async with self.calls.lock(event.call_id):
            state = await self.calls.get(event.call_id)
            if state is None:
                raise UnknownCall(event.call_id)
            # A repeated end (platform retry) keeps the first end time.
            state.ended_at = state.ended_at or event.ended_at or _now()
            await self.calls.put(state)
            await self._remember(state)
        logger.info("hotline.call_ended call=%s lines=%s", state.call_id, len(state.transcript))
        await self.feed.publish("ended", state)
        return state

    async def _remember(self, state: CallState) -> None:
        """The call as an earlier work order of its number, for the number's next call."""
        if not state.caller_key:
            return
        order = state.assist.work_order if state.assist else None
        entry = EarlierOrder(
            call_id=state.call_id,
            started_at=state.started_at,
            status="已生成工单" if state.ended_at else "通话中",
            category=order.category if order else "",
            department=order.department if order else "",
            summary=order.summary if order else "",
        )
        async with self.calls.lock("caller:" + state.caller_key):
            await self.callers.record(state.caller_key, entry)

    async def record_feedback(self, feedback: Feedback, agent: str) -> int:
        """Store `agent`'s verdict on a suggestion this call was given; nothing else is taken."""
        state = await self.calls.get(feedback.call_id)
        if state is None:
            raise UnknownCall(feedback.call_id)
        if feedback.suggestion_id not in state.suggested:
            logger.warning("hotline.feedback_refused call=%s agent=%s", feedback.call_id, agent)
            raise UnknownSuggestion(feedback.suggestion_id)
        intent = state.assist.intent if state.assist else ""
        texts = state.caller_texts()
        row_id = await asyncio.to_thread(
            self.feedback.record, feedback, intent, texts[-1] if texts else "", agent
        )
        logger.info(
            "hotline.feedback call=%s suggestion=%s action=%s agent=%s",
            feedback.call_id,
            feedback.suggestion_id,
            feedback.action,
            agent,
        )
        return row_id
