"""Stand-in Rasa replicas for routing tests: real HTTP servers that record who they served."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass
class FakeReplica:
    """Answers the gateway channel and /model/parse like Rasa; `failing` → HTTP 500."""

    name: str
    failing: bool = False
    seen: List[str] = field(default_factory=list)
    url: str = ""  # where it is served, once it is

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/gateway/webhook")
        async def turn(request: Request) -> Any:
            body: Dict[str, Any] = await request.json()
            if self.failing:
                return JSONResponse({"error": "tracker store unavailable"}, status_code=500)
            self.seen.append(body["sender"])
            return [{"recipient_id": body["sender"], "text": f"{self.name}:{body['message']}"}]

        @app.post("/model/parse")
        async def parse(request: Request) -> Any:
            body: Dict[str, Any] = await request.json()
            if self.failing:
                return JSONResponse({"error": "no model loaded"}, status_code=500)
            self.seen.append(body["text"])
            intent = {"name": "complaint", "confidence": 0.9}
            return {"text": body["text"], "intent": intent, "intent_ranking": [intent]}

        return app
