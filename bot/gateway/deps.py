"""Request dependencies as `Annotated` aliases for the routers' signatures."""

from __future__ import annotations

from typing import Annotated, Optional

from fastapi import Depends, Request

from bot.review.inbox import Inbox
from bot.settings import Settings

from .auth import Person, require
from .resources import Resources


def get_resources(request: Request) -> Resources:
    """What the app's start-up opened."""
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]
# The logged-in person with the role (admins pass every check); 401, 403 or CSRF 403 otherwise.
AgentDep = Annotated[Person, Depends(require("agent"))]
TrainerDep = Annotated[Person, Depends(require("trainer"))]
AdminDep = Annotated[Person, Depends(require("admin"))]
StaffDep = Annotated[Person, Depends(require("staff"))]


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_inbox(request: Request) -> Inbox:
    """The trainers' review inbox: one per app, opened on first use so the gateway starts
    without it."""
    inbox: Optional[Inbox] = getattr(request.app.state, "review_inbox", None)
    if inbox is None:
        inbox = Inbox(app_settings(request).review_database_path)
        request.app.state.review_inbox = inbox
    return inbox


InboxDep = Annotated[Inbox, Depends(get_inbox)]
