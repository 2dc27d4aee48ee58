"""Request dependencies as `Annotated` aliases for the routers' signatures."""

from __future__ import annotations

from typing import Annotated, Any, Dict, Optional

from fastapi import Depends, Request

from bot.rasa_server import models_dir
from bot.review.inbox import Inbox
from bot.review.training import Trainer, TrainingRun, train_command
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


def get_trainer(request: Request) -> Trainer:
    """The trainer page's training runs: one per gateway process, one at a time."""
    trainer: Optional[Trainer] = getattr(request.app.state, "trainer", None)
    if trainer is None:
        settings = app_settings(request)

        def record(run: TrainingRun) -> None:
            inbox = Inbox(settings.review_database_path)
            try:
                detail: Dict[str, Any] = {"run": run.id, "model": run.model, "error": run.error}
                detail["drops"] = [d.figure for d in run.drops]
                inbox.audit(f"train_{run.state}", run.actor, detail)
            finally:
                inbox.close()

        config = settings.review_training_config
        # Training reads the data `apply` writes into: data/ itself unless configured otherwise.
        data = settings.review_nlu_dir.parent
        trainer = Trainer(
            models_dir(),
            settings.var_dir / "review" / "figures",
            command=lambda: train_command(config, data),
            on_finish=record,
        )
        request.app.state.trainer = trainer
    return trainer


TrainerJobs = Annotated[Trainer, Depends(get_trainer)]
