"""Stand-in Rasa replicas for routing tests: real HTTP servers that record who they served.

Replicas given the same `trackers` dict share it, as real replicas share Redis: a turn records
the user event (with the gateway's message id) and the reply, and the tracker endpoint reads it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

Trackers = Dict[str, List[Dict[str, Any]]]


def record_turn(trackers: Trackers, body: Dict[str, Any], reply: str) -> None:
    """What Rasa saves at the end of a turn: the user event and the bot's reply."""
    events = trackers.setdefault(body["sender"], [])
    events.append({"event": "user", "text": body["message"], "message_id": body["message_id"]})
    events.append({"event": "bot", "text": reply, "data": {"buttons": None}})


@dataclass
class FakeReplica:
    """Answers the gateway channel, /model/parse and the tracker like Rasa.

    `failing` → HTTP 500 everywhere; `tracker_failing` → HTTP 500 on the tracker only."""

    name: str
    failing: bool = False
    seen: List[str] = field(default_factory=list)
    url: str = ""  # where it is served, once it is
    trackers: Optional[Trackers] = None
    message_ids: List[str] = field(default_factory=list)
    tracker_failing: bool = False

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/gateway/webhook")
        async def turn(request: Request) -> Any:
            body: Dict[str, Any] = await request.json()
            if self.failing:
                return JSONResponse({"error": "tracker store unavailable"}, status_code=500)
            self.seen.append(body["sender"])
            self.message_ids.append(body.get("message_id", ""))
            reply = f"{self.name}:{body['message']}"
            if self.trackers is not None:
                record_turn(self.trackers, body, reply)
            return [{"recipient_id": body["sender"], "text": reply}]

        @app.post("/model/parse")
        async def parse(request: Request) -> Any:
            body: Dict[str, Any] = await request.json()
            if self.failing:
                return JSONResponse({"error": "no model loaded"}, status_code=500)
            self.seen.append(body["text"])
            intent = {"name": "complaint", "confidence": 0.9}
            return {"text": body["text"], "intent": intent, "intent_ranking": [intent]}

        @app.get("/conversations/{sender:path}/tracker")
        async def tracker(sender: str) -> Any:
            if self.failing or self.tracker_failing:
                return JSONResponse({"error": "tracker store unavailable"}, status_code=500)
            return {"sender_id": sender, "events": (self.trackers or {}).get(sender, [])}

        return app


class DyingReplica:
    """Reads each turn, then closes the connection without answering, like a replica killed
    mid-turn. With `trackers` it first saves the turn there, as one killed after Rasa saved the
    tracker but before the answer left."""

    def __init__(self, trackers: Optional[Trackers] = None) -> None:
        self.trackers = trackers
        self.message_ids: List[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                body = self._read_body(conn)
                if body is None:
                    continue
                self.message_ids.append(body["message_id"])
                if self.trackers is not None:
                    record_turn(self.trackers, body, f"dying:{body['message']}")

    @staticmethod
    def _read_body(conn: socket.socket) -> Optional[Dict[str, Any]]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            body += chunk
        parsed = json.loads(body or b"{}")
        return parsed if isinstance(parsed, dict) else None

    def close(self) -> None:
        # Wakes the accepting thread; a bare close() would leave the port listening.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
