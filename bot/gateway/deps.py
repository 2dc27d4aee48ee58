"""Request dependencies as `Annotated` aliases for the routers' signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .resources import Resources


def get_resources(request: Request) -> Resources:
    """What the app's start-up opened."""
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]
