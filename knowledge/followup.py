"""How a message relates to the conversation's topic: a section, a place, an elliptical follow-up.

A citizen who has just been told how to get a 居住证 asks "要带什么材料", "要钱吗", "在大连呢" or
"他没提前30天通知就走了呢": none of these names a topic, and all of them mean "about what you just
told me". This module reads those cues from the words alone, so the action server and the
hotline agent assist understand follow-ups the same way, whatever intent NLU guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

import yaml

from core.text import normalize_text
from knowledge.store import KNOWLEDGE_DIR, load_services

# Checked in this order: "网上能办吗" asks about online channels before conditions ("能办吗"),
# "多久能拿到" about time before anything else.
_CUE_WORDS: Tuple[Tuple[str, str], ...] = (
    ("fees", "收费 要钱 花钱 多少钱 费用 免费 交钱 收钱 工本费 钱吗 花多少"),
    (
        "time_limit",
        "多久 几天 多长时间 多少天 时限 多快 啥时候能 什么时候能 当天能 当场 等多久 几个工作日 "
        "多少个工作日 啥时候拿 什么时候拿",
    ),
    ("online", "网上 线上 手机上 手机办 辽事通 不用跑 在家办 网办 掌上办"),
    (
        "in_person",
        "本人 代办 亲自 替我 帮别人 委托 代领 家属去 别人去 家长去 家里人去 让家长 让别人 帮忙办",
    ),
    (
        "materials",
        "材料 带什么 带啥 带哪些 准备什么 准备啥 准备哪些 哪些东西 什么东西 啥东西 证件 资料 "
        "拿什么 拿啥",
    ),
    ("conditions", "条件 资格 能不能办 符合 够不够 谁能办 够格 能办吗"),
    ("steps", "流程 步骤 程序 手续 办理过程"),
    ("contacts", "电话 号码 热线 打几号 联系方式 打给谁"),
    ("where", "在哪 哪里办 地点 地址 去哪 哪儿办 哪个部门 找谁 哪办 上哪"),
    ("legal_basis", "法律依据 依据 哪条 法条 法律规定 根据什么 哪部法 有规定吗 条文"),
)
SECTION_CUES: Tuple[Tuple[str, Tuple[str, ...]], ...] = tuple(
    (name, tuple(words.split())) for name, words in _CUE_WORDS
)
SECTIONS: Tuple[str, ...] = tuple(name for name, _ in SECTION_CUES)

# The words a section's entry uses, added to the query when looking for it among the topic's
# entries ("要钱吗" → the entry titled "办居住证收费吗").
SECTION_TERMS: Dict[str, str] = {
    "fees": "收费 费用 免费",
    "time_limit": "时限 多久 办结 立等可取",
    "online": "网上办理 线上 辽事通",
    "in_person": "本人 代办 委托",
    "materials": "材料 证件",
    "conditions": "条件 资格",
    "steps": "流程 步骤",
    "contacts": "电话 热线",
    "where": "地点 在哪里办",
    "legal_basis": "依据 法律",
}

_CLEAR = re.compile(r"换个(问题|话题|事)|问(点)?别的|问个别的|另一个问题|新问题|重新问|其他问题")
_ELLIPSIS_START = (
    "那",
    "那么",
    "如果",
    "要是",
    "假如",
    "万一",
    "还有",
    "另外",
    "他",
    "她",
    "对方",
    "公司要是",
    "可是",
    "但是",
    "但",
    "可",
    "就是",
    "还能",
    "还可以",
    "还得",
    "这种",
    "这样",
)
_ELLIPSIS_ANY = ("这种情况", "这样的话", "那样的话", "这个情况", "上面说的", "刚才说的", "你说的")
# A caller turning to another matter within one call ("另外还想问一下", "对了,还有个事").
_SWITCH = re.compile(
    r"^(对了|顺便|顺带|另外|还有)|另外(还)?(想|要)?(问|咨询|反映)|还有(一)?(个|件)(事|问题)|"
    r"(还|再)想(问|咨询|反映)|再问(一)?(个|下)|顺便(问|咨询)|别的事"
)
# Chasing a request made earlier (催办) has a structure rather than a wording: an earlier
# contact (反映过, 打了三回电话, 上次你们回访说…, 说好的三个工作日) together with the matter
# still pending: not handled yet (还是没人管, 一直没到账, 石沉大海), overdue (都第十天了,
# 过去二十多天了) or hurried (再给加急一下, 麻烦再跟一下). Only the verbs of chasing (催办, 督办,
# 催一下) say it alone. The chat, whose conversation is already about a case, needs no earlier
# contact: there a pending or hurrying word, or asking when it will be done, pushes the case.
_CHASE = re.compile(r"催办|督办|督促|催(一下|一催|催|我的|这个|那个)|(帮|给|再)(我)?催")
# What a request still pending waits for.
_PROGRESS = (
    r"处理|办|回复|回电|答复|解决|管|理|搭理|下文|消息|信儿?|动静|"
    r"联系|回音|反馈|进展|结果|说法|回话|到账|落实|批"
)
_NUMBER = r"[0-9一二两三四五六七八九十几半多]+"
_PERIOD = r"(个)?(多)?(个)?(天|日|周|星期|礼拜|月)"
# Not handled yet, said either way round: "还没人处理", "还是没到", "区里也不管", or the news
# first, "一点动静都没有", "连个回话都没有"; and the idioms for a request that vanished.
_STILL_NOT = re.compile(
    rf"(还|还是|一直|始终|仍然|依然|到现在|至今)(是|也|还)?(没|没有|不见|未)|"
    rf"(怎么|咋|也|都)(是|还)?(没|没有|不见)(人)?(给)?({_PROGRESS})|"
    r"(还是|仍然|依然|到现在还|至今还|现在还)不|(也|都|还|没人)(不)?(管|理|搭理|处理|答复|回复)|"
    r"(动静|下文|消息|信儿|音信|回音|反馈|进展|回话|说法|结果)(都|也|还)?(没有|没|没得)|"
    r"石沉大海|杳无音信|不了了之|没(了)?下文"
)
# Longer than it should take: "今天都第十天了", "都过去二十多天了", "这都快一礼拜了".
_OVERDUE = re.compile(
    rf"(都|已经|过去|这都)(了)?(快|有)?(第)?{_NUMBER}{_PERIOD}了|"
    rf"(都|已经|过去)(了)?(快|有)?{_NUMBER}{_PERIOD}|这么(久|长时间)|好几(次|回|遍)了"
)
# Asking to hurry or to follow the matter up.
_HURRY = re.compile(
    r"催|加急|加快|快点|抓紧|尽快|赶紧|督办|督促|再(给)?(跟|跟进|问问|落实|查查)|给个(准信|说法|答复)"
)
# The chat's "when will it be done", said of the case it is about.
_WHEN_DONE = re.compile(r"(什么时候|啥时候|多久)(能)?(办完|有结果|处理|办好|解决)")
# An earlier contact about the same matter.
_EARLIER = re.compile(
    rf"打过|打了({_NUMBER})?(次|回|遍)?电话|来过电话|(反映|投诉|举报|报|提|说)过|"
    r"(我|俺|咱)(们)?(之前|上次|前几天)?(反映|投诉|举报|报|提)的|"
    r"之前|上次|上回|上周|上礼拜|上星期|上个月|前几天|前两天|前些天|前些日子|前段时间|工单|"
    rf"好几次|几次了|{_NUMBER}个?(天|周|星期|礼拜|月)(前|以前)|转办|转给|转到|回访|说好(了)?的?"
)


# Hurry said not to be meant ("不着急", "我不是催啊"): no push, whatever word it negates.
_NO_HURRY = re.compile(r"(不|没|别|并不|也不)(是|用|想|在)?(着急催?|急着催|急|催)(的|啊|呀|哈)?")


def _unhurried(text: str) -> str:
    return _NO_HURRY.sub("", _strip(text))


def pushes_case(text: str) -> bool:
    """Said of a case the conversation is about: still pending, hurry it, or when done."""
    bare = _unhurried(text)
    return bool(_HURRY.search(bare) or _STILL_NOT.search(bare) or _WHEN_DONE.search(bare))


# What a caller says only to check the line before the matter: "喂,是12345吗", "能听见吗".
_LINE_CHECK = re.compile(
    r"是不是|是|吗|不|吧|啊|呀|呢|嘛|这(里|儿|边)?|你们|您|请问|能|可以|听(得)?(见|到|清楚?)|"
    r"接通|通了|那个|热线|电话"
)
_PUNCT = re.compile(r"[\s,.!?;:、,。!?;:~…\"'“”‘’()()]+")
# Words that carry no subject of their own in a follow-up ("在大连呢", "那沈阳的话").
_PLACE_FILLER = re.compile(
    r"在|呢|的话|那|市|也|一样|吗|办|怎么样|咋样|能|可以|呀|啊|吧|如果是|要是|是"
)
_SMALL_TALK = re.compile(
    r"谢谢|谢了|多谢|感谢|好的|好吧|好嘞|行|明白了?|知道了?|懂了|清楚了|ok|okay|嗯+|哦+|噢|"
    r"没事了?|没有了|再见|拜拜|bye|88|就这些|没别的了?|那就这样|先这样|不用了|好|了|啦|啊|呀"
)

# Words that make a message a greeting; "在大连呢" may be classified as one without them.
_GREETING = re.compile(
    r"你好|您好|你們好|大家好|早上好|上午好|中午好|下午好|晚上好|早安|晚安|在吗|在不在|有人吗|"
    r"hello|hi|hey|嗨|哈喽|哈啰|喂|打扰了"
)


@dataclass(frozen=True)
class Topic:
    """What the conversation is about: the entry or articles answered last, with its place."""

    kind: str  # "entry" | "law" | "case"
    entry: Optional[str] = None
    service: Optional[str] = None
    city: Optional[str] = None
    query: str = ""
    articles: Tuple[str, ...] = ()
    case: Optional[str] = None

    def to_slot(self) -> Dict[str, Any]:
        return {
            "kind": self.kind,
            "entry": self.entry,
            "service": self.service,
            "city": self.city,
            "query": self.query,
            "articles": list(self.articles),
            "case": self.case,
        }

    @classmethod
    def from_slot(cls, value: Any) -> Optional[Topic]:
        if not isinstance(value, dict) or value.get("kind") not in ("entry", "law", "case"):
            return None
        return cls(
            kind=str(value["kind"]),
            entry=value.get("entry") or None,
            service=value.get("service") or None,
            city=value.get("city") or None,
            query=str(value.get("query") or ""),
            articles=tuple(str(a) for a in value.get("articles") or ()),
            case=value.get("case") or None,
        )


@dataclass(frozen=True)
class Cues:
    """What the words of one message say about how it follows the previous answer."""

    section: Optional[str] = None
    city: Optional[str] = None
    city_only: bool = False
    elliptical: bool = False
    case_push: bool = False
    clears: bool = False
    small_talk: bool = False
    short: bool = False
    terms: FrozenSet[str] = field(default_factory=frozenset)
    switches: bool = False
    chases: bool = False
    checks_line: bool = False

    @property
    def follows_up(self) -> bool:
        """True when the message reads as a question about the previous answer."""
        return bool(self.section or self.city_only or self.elliptical or self.case_push)


def section_asked(text: str) -> Optional[str]:
    """The section a question asks for ("要带什么材料" → materials), if any."""
    normalized = normalize_text(text).lower()
    for section, words in SECTION_CUES:
        if any(word in normalized for word in words):
            return section
    return None


def _strip(text: str) -> str:
    return _PUNCT.sub("", normalize_text(text).lower())


def is_small_talk(text: str) -> bool:
    """Only thanks, okays and goodbyes ("好的谢谢,再见"), nothing to answer."""
    bare = _strip(text)
    return bool(bare) and not _SMALL_TALK.sub("", bare)


def is_greeting(text: str) -> bool:
    """The message says hello in so many words ("你好", "在吗", "hi")."""
    return bool(_GREETING.search(normalize_text(text).lower()))


def is_elliptical(text: str) -> bool:
    """Leans on what was said before: "那…呢", "他没提前通知就走了呢", "这种情况还能…"."""
    bare = _strip(text)
    if not bare:
        return False
    return (
        bare.startswith(_ELLIPSIS_START)
        or bare.endswith("呢")
        or any(marker in bare for marker in _ELLIPSIS_ANY)
    )


def changes_subject(text: str) -> bool:
    """The message turns to another matter ("对了,还有个事", "另外想问一下", "换个问题")."""
    bare = _strip(text)
    return bool(_SWITCH.search(bare) or _CLEAR.search(bare))


def only_checks_line(text: str) -> bool:
    """The message only greets or checks the line reached ("喂,是12345吗"): no matter yet."""
    rest = _strip(text)
    for term in terms_in(text):
        rest = rest.replace(term, "")
    rest = _LINE_CHECK.sub("", _GREETING.sub("", rest))
    return bool(_strip(text)) and not rest


def mentions_earlier_contact(text: str) -> bool:
    """The message refers to an earlier call or report about its matter."""
    return bool(_EARLIER.search(_strip(text)))


def says_pending(text: str) -> bool:
    """The message says a matter is still not handled, overdue, or to be hurried."""
    bare = _unhurried(text)
    return bool(_STILL_NOT.search(bare) or _OVERDUE.search(bare) or _HURRY.search(bare))


def chases_earlier_request(text: str) -> bool:
    """The message chases a request made before (催办), not the one being made: a verb of
    chasing, or an earlier contact with the matter still pending. "能不能快点移出来" alone
    hurries the request being made and chases nothing."""
    bare = _unhurried(text)
    return bool(_CHASE.search(bare) or (_EARLIER.search(bare) and says_pending(bare)))


def city_named(text: str, cities: Iterable[str]) -> Optional[str]:
    """The first of `cities` the message names, longest names first."""
    bare = _strip(text)
    return next((c for c in sorted(cities, key=len, reverse=True) if c and c in bare), None)


def is_city_only(text: str, cities: Iterable[str]) -> bool:
    """The message names a place and nothing else of substance ("在大连呢", "沈阳的话")."""
    city = city_named(text, cities)
    return city is not None and not _PLACE_FILLER.sub("", _strip(text).replace(city, ""))


@lru_cache(maxsize=1)
def topic_terms() -> Tuple[str, ...]:
    """Words that name a subject of their own: service names and aliases, domain terms."""
    from knowledge.vocab import DOMAIN_TERMS  # the jieba dictionary's domain words

    words: List[str] = []
    for service in load_services():
        words += [service.name, *service.aliases]
    data = yaml.safe_load((KNOWLEDGE_DIR / "synonyms.yml").read_text(encoding="utf-8"))
    words += [str(k) for k in (data.get("synonyms") or {})]
    skip = {"咋整", "嘎哈", "整明白", "啥时候", "咋办", "咋弄", "啥", "俺", "预约", "转人工"}
    words += [w for w in DOMAIN_TERMS if w not in skip and not w.isdigit()]
    normalized = {normalize_text(w).lower() for w in words if len(w) >= 2}
    return tuple(sorted(normalized - skip, key=len, reverse=True))


def terms_in(text: str) -> FrozenSet[str]:
    """The subject-naming words a message contains, longest first, without overlaps."""
    bare = _strip(text)
    found: List[str] = []
    for term in topic_terms():
        if term in bare and not any(term in longer for longer in found):
            found.append(term)
    return frozenset(found)


@lru_cache(maxsize=1)
def known_cities() -> Tuple[str, ...]:
    """Liaoning's cities and the other cities of knowledge/places.yml."""
    places = yaml.safe_load((KNOWLEDGE_DIR / "places.yml").read_text(encoding="utf-8"))
    return tuple(list(places["liaoning"]) + list(places["other_cities"]))


def without_clearing(text: str) -> str:
    """The message without its "换个问题": what is left may be the new question itself."""
    return _PUNCT.sub(" ", _CLEAR.sub(" ", normalize_text(text))).strip()


def read_cues(text: str, cities: Optional[Iterable[str]] = None) -> Cues:
    """Every follow-up cue of one message."""
    bare = _strip(text)
    places = known_cities() if cities is None else tuple(cities)
    return Cues(
        section=section_asked(text),
        city=city_named(text, places),
        city_only=is_city_only(text, places),
        elliptical=is_elliptical(text),
        case_push=pushes_case(text),
        clears=bool(_CLEAR.search(bare)),
        small_talk=is_small_talk(text),
        short=0 < len(bare) <= 6,
        terms=terms_in(text),
        switches=changes_subject(text),
        chases=chases_earlier_request(text),
        checks_line=only_checks_line(text),
    )
