"""A token or signature that is not ASCII is a wrong one: 401 or 403, never a 500."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.gateway.fixtures import APP_ID, WECHAT_TOKEN, gateway_settings, hotline_headers
from tests.gateway.inprocess import gateway_client
from tests.gateway.wechat_peer import WeChatPeer, message_xml, new_aes_key

# As raw bytes: HTTP carries them as Latin-1 (or UTF-8 that a server reads as Latin-1).
NON_ASCII = ["签名".encode(), "sha256=é".encode("latin-1"), b"\xff\xfe", "١٧٠٠٠٠٠٠٠٠".encode()]


@pytest.mark.parametrize("value", NON_ASCII, ids=["chinese", "latin-1", "bytes", "arabic-digits"])
@pytest.mark.parametrize("header", ["X-Hotline-Signature", "X-Hotline-Timestamp"])
async def test_hotline_non_ascii_signature_headers_are_401(
    tmp_path: Path, header: str, value: bytes
) -> None:
    body = json.dumps({"call_id": "enc-1"}).encode()
    headers = [(k.encode(), v.encode()) for k, v in hotline_headers(body).items() if k != header]
    headers.append((header.encode(), value))
    settings = gateway_settings(
        tmp_path, "http://127.0.0.1:9", "", rasa_replicas="http://127.0.0.1:9"
    )
    async with gateway_client(settings) as http:
        response = await http.post("/webhooks/hotline/call-started", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"


@pytest.mark.parametrize("param", ["signature", "timestamp", "nonce", "msg_signature"])
async def test_wechat_non_ascii_query_parameters_are_refused(tmp_path: Path, param: str) -> None:
    aes_key = new_aes_key()
    peer = WeChatPeer("http://gw", WECHAT_TOKEN, APP_ID, aes_key)
    request = peer.request(message_xml("o-enc", peer.account, "text", Content="你好"), "safe")
    request["params"][param] = (
        "签名١٧"
        if param != "timestamp"
        else str(int(time.time())).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    )
    settings = gateway_settings(
        tmp_path, "http://127.0.0.1:9", aes_key, rasa_replicas="http://127.0.0.1:9"
    )
    async with gateway_client(settings) as http:
        response = await http.post(
            "/webhooks/wechat", headers={"Content-Type": "text/xml"}, **request
        )
    assert response.status_code in (400, 403)
    assert response.json()["message"]
