"""Request dependencies as `Annotated` aliases for the routers' signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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
