"""Chinese text normalisation: what every channel's text becomes before the model sees it."""

from bot.nlu.text import normalize, normalize_text


def test_traditional_becomes_simplified() -> None:
    assert normalize_text("居住證怎麼辦理") == "居住证怎么办理"
    assert normalize_text("駕駛證過期了") == "驾驶证过期了"


def test_full_width_becomes_half_width() -> None:
    assert normalize_text("ＡＢＣ１２３（２０２５）") == "ABC123(2025)"
    assert normalize_text("工单２０２６１１２２００１２３") == "工单2026112200123"


def test_whitespace_between_chinese_is_dropped_and_runs_collapse() -> None:
    assert normalize_text("  居住 证\u3000怎么  办  ") == "居住证怎么办"
    assert normalize_text("hello    world") == "hello world"
    assert normalize_text("我要 book 一个号") == "我要 book 一个号"


def test_empty_and_blank_text() -> None:
    assert normalize_text("") == ""
    assert normalize_text(" \t\n ") == ""


def test_entity_offsets_follow_the_text() -> None:
    raw = "  去 瀋陽 辦居住證"
    result = normalize(raw)
    start, end = result.map_span(raw.index("瀋陽"), raw.index("瀋陽") + 2)
    assert result.text[start:end] == "沈阳"
    start, end = result.map_span(raw.index("居住證"), len(raw))
    assert result.text[start:end] == "居住证"
