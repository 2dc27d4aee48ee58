"""Fixed vocabularies of the API: the 14 cities, the bookable services and the check-up topics."""

from __future__ import annotations

from typing import Optional

# The 14 prefecture-level cities of Liaoning, in the province's customary order.
CITIES: tuple[str, ...] = (
    "沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州",
    "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛",
)  # fmt: skip

# Canonical names from knowledge/services.yml (the `service_item` values) of the services a
# citizen books a counter visit for; the test suite checks every one still exists there.
BOOKABLE_SERVICES: tuple[str, ...] = (
    "驾驶证补换领",
    "驾驶证异地办理",
    "居住证办理",
    "居住证签注",
    "居住证补领",
    "营业执照办理",
    "营业执照变更",
    "企业注销",
    "个体工商户登记",
    "企业开办一件事",
    "社保卡办理",
    "社会保险参保",
    "退休一件事",
    "新生儿出生一件事",
    "二手房交易及水电气联动过户一件事",
)

# What an enterprise may ask a 企业法治体检 to look at.
CHECKUP_TOPICS: tuple[str, ...] = (
    "合同管理",
    "劳动用工",
    "知识产权",
    "公司治理",
    "税务合规",
    "行政许可与执法",
    "生态环境合规",
    "数据与个人信息保护",
    "债权债务与融资",
    "其他",
)


def normalize_city(value: str) -> Optional[str]:
    """Return the canonical city name for `value` ("大连市" → "大连"), or None if it is not one."""
    name = value.strip()
    if name.endswith("市"):
        name = name[:-1]
    return name if name in CITIES else None
