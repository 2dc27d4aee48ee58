"""WeChat's side of the webhook, built with wechatpy: messages signed and encrypted as WeChat
sends them, replies decrypted and parsed as WeChat reads them."""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
from typing import Any, Dict, Optional

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto

from tests.log_guard import watch_secrets

MODES = ("plain", "compatible", "safe")
# With an EncodingAESKey configured the gateway accepts only these (plain is refused).
ENCRYPTED_MODES = ("compatible", "safe")


def new_aes_key() -> str:
    key = base64.b64encode(os.urandom(32)).decode()[:-1]
    watch_secrets(key)
    return key


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def message_xml(openid: str, account: str, msg_type: str, **fields: Any) -> str:
    """A message as WeChat posts it; `MsgId` defaults to a fresh one for non-events."""
    data: Dict[str, Any] = {
        "ToUserName": account,
        "FromUserName": openid,
        "CreateTime": fields.pop("CreateTime", int(time.time())),
        "MsgType": msg_type,
        **fields,
    }
    if msg_type != "event":
        data.setdefault("MsgId", uuid.uuid4().int % 10**18)
    return xmltodict.unparse({"xml": data}, full_document=False)


class WeChatPeer:
    def __init__(self, base_url: str, token: str, app_id: str, aes_key: str) -> None:
        self.url = base_url + "/webhooks/wechat"
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id)
        self.account = "gh_banshi_test"

    def query(self, timestamp: Optional[int] = None, nonce: Optional[str] = None) -> Dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or uuid.uuid4().hex[:10]
        return {"signature": signature(self.token, ts, nonce), "timestamp": ts, "nonce": nonce}

    def request(self, xml: str, mode: str = "plain", openid: str = "") -> Dict[str, Any]:
        """Query and body of one POST in the given mode."""
        query = self.query()
        if openid:
            query["openid"] = openid
        if mode == "plain":
            return {"params": query, "content": xml.encode()}
        envelope = xmltodict.parse(
            self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
        )["xml"]
        query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
        if mode == "safe":
            body = {"ToUserName": self.account, "Encrypt": envelope["Encrypt"]}
        else:
            body = {**xmltodict.parse(xml)["xml"], "Encrypt": envelope["Encrypt"]}
        return {"params": query, "content": xmltodict.unparse({"xml": body}, full_document=False)}

    def post(
        self, client: httpx.Client, xml: str, mode: str = "safe", timeout: float = 30
    ) -> httpx.Response:
        return client.post(
            self.url,
            headers={"Content-Type": "text/xml"},
            timeout=timeout,
            **self.request(xml, mode),
        )

    def reply(self, response: httpx.Response) -> Optional[Dict[str, Any]]:
        """The reply's fields as WeChat would read them, or None for "success"."""
        assert response.status_code == 200, response.text
        if response.text == "success":
            return None
        data = xmltodict.parse(response.text)["xml"]
        if "Encrypt" in data:
            plain = self.crypto.decrypt_message(
                response.text, data["MsgSignature"], data["TimeStamp"], data["Nonce"]
            )
            data = xmltodict.parse(plain)["xml"]
        return dict(data)
