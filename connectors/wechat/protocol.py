"""Verifying, decrypting and parsing WeChat callbacks, and encrypting replies (via wechatpy).

The three message modes of an official account:
- plain: the body is the message XML; the query carries signature / timestamp / nonce;
- compatible: the body carries the plain fields and an <Encrypt> copy, the query adds
  encrypt_type=aes and msg_signature;
- safe: the body carries only <ToUserName> and <Encrypt>.
Whenever encrypt_type=aes is present the encrypted copy is the one trusted, and the reply is
encrypted in return. Once an EncodingAESKey is configured only encrypted requests are
accepted: in plain mode the signature covers timestamp and nonce but not the body, so one
captured query string would let anyone post as any user until the timestamp expires.
"""

from __future__ import annotations

import binascii
import struct
import time
from dataclasses import dataclass
from typing import Mapping, Optional
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature


class WeChatRequestError(Exception):
    """A request the webhook refuses; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    app_id: str = ""
    aes_key: str = ""
    timestamp_window: int = 300

    def crypto(self) -> WeChatCrypto:
        if not (self.aes_key and self.app_id):
            raise WeChatRequestError(503, "安全模式需要配置 WECHAT_AES_KEY 和 WECHAT_APP_ID")
        try:
            return WeChatCrypto(self.token, self.aes_key, self.app_id)
        except (AssertionError, ValueError, binascii.Error) as error:
            raise WeChatRequestError(503, "WECHAT_AES_KEY 格式不正确(应为43个字符)") from error


@dataclass(frozen=True)
class Inbound:
    message: BaseMessage
    encrypted: bool


def _required(query: Mapping[str, str], name: str) -> str:
    value = query.get(name, "")
    if not value:
        raise WeChatRequestError(400, f"缺少参数 {name}")
    return value


def verify_query(
    config: WeChatConfig, query: Mapping[str, str], now: Optional[float] = None
) -> None:
    """Check signature and freshness of a callback; raises WeChatRequestError (400 / 403)."""
    signature = _required(query, "signature")
    timestamp = _required(query, "timestamp")
    nonce = _required(query, "nonce")
    if not timestamp.isdigit():
        raise WeChatRequestError(400, "timestamp 参数应为整数")
    # A captured request replayed later is refused even though its signature is valid.
    if abs((now if now is not None else time.time()) - int(timestamp)) > config.timestamp_window:
        raise WeChatRequestError(403, "请求时间戳已过期")
    try:
        check_signature(config.token, signature, timestamp, nonce)
    except InvalidSignatureException as error:
        raise WeChatRequestError(403, "签名校验失败") from error


def safe_xml(body: bytes | str) -> Element:
    """Parse XML with DTDs and entity expansion refused (billion laughs, external entities)."""
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise WeChatRequestError(400, "XML 格式错误") from error
    if root.tag != "xml":
        raise WeChatRequestError(400, "XML 根元素应为 <xml>")
    return root


def decode_message(config: WeChatConfig, query: Mapping[str, str], body: bytes) -> Inbound:
    """The message of a verified POST body; encrypted (and decrypted here) once a key is set."""
    root = safe_xml(body)
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if config.aes_key and not encrypted:
        raise WeChatRequestError(
            403, "本公众号已启用安全模式,只接受加密消息(encrypt_type=aes),明文请求被拒绝"
        )
    if encrypted:
        xml = _decrypt(config, query, root)
        root = safe_xml(xml)
    else:
        try:
            xml = body.decode("utf-8") if isinstance(body, bytes) else body
        except UnicodeDecodeError as error:
            # Well-formed XML in another declared encoding: WeChat itself only sends UTF-8.
            raise WeChatRequestError(400, "消息应为 UTF-8 编码的 XML") from error
    if not (root.findtext("MsgType") or "").strip():
        raise WeChatRequestError(400, "消息缺少 MsgType")
    return Inbound(parse_message(xml), encrypted)


def _decrypt(config: WeChatConfig, query: Mapping[str, str], root: Element) -> str:
    crypto = config.crypto()
    msg_signature = _required(query, "msg_signature")
    encrypt = (root.findtext("Encrypt") or "").strip()
    if not encrypt:
        raise WeChatRequestError(400, "加密消息缺少 Encrypt 字段")
    try:
        # A dict skips wechatpy's own (non-hardened) XML parse of the envelope.
        plain: str = crypto.decrypt_message(
            {"Encrypt": encrypt}, msg_signature, query["timestamp"], query["nonce"]
        )
    except InvalidSignatureException as error:
        raise WeChatRequestError(403, "msg_signature 校验失败") from error
    except InvalidAppIdException as error:
        raise WeChatRequestError(403, "消息不属于本公众号") from error
    except (ValueError, TypeError, IndexError, struct.error, binascii.Error) as error:
        raise WeChatRequestError(400, "消息解密失败") from error
    return plain


def render_text_reply(
    message: BaseMessage, content: str, encrypted: bool, config: WeChatConfig, nonce: str
) -> str:
    """A passive text reply, encrypted with the callback's nonce when the request was."""
    # "]]>" would end the CDATA section early and let the rest be read as markup.
    safe = content.replace("]]>", "]]]]><![CDATA[>")
    xml: str = TextReply(content=safe, message=message).render()
    if not encrypted:
        return xml
    encrypted_xml: str = config.crypto().encrypt_message(xml, nonce)
    return encrypted_xml
