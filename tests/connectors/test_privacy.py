"""Phone, ID and credit-code numbers are masked wherever free text is logged or stored."""

from __future__ import annotations

import logging

import pytest

from core.masking import MaskingFilter, mask_caller_number, mask_reference, mask_text

ID_NUMBER = "210102199001011237"
USCC = "91210100MA0000001G"


def test_phone_and_id_numbers_in_text_are_masked() -> None:
    text = f"我电话13812345678,身份证{ID_NUMBER},座机024-12345678"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert ID_NUMBER not in masked and "2101**********1237" in masked
    assert "12345678" not in masked.replace("138****5678", "")


@pytest.mark.parametrize(
    "text",
    [
        f"信用代码{USCC}",
        f"代码{USCC}13812345678",
        f"编号2026{USCC}",
        f"统一社会信用代码:{USCC.lower()}",
    ],
    ids=["alone", "phone-after", "digits-before", "lower-case"],
)
def test_credit_codes_are_masked_even_next_to_other_digits(text: str) -> None:
    masked = mask_text(text)
    assert USCC not in masked.upper()
    assert "13812345678" not in masked


@pytest.mark.parametrize(
    "written",
    [
        "２１０１０２１９９００１０１１２３７",
        "2101 0219 9001 0112 37",
        "210102 19900101 1237",
        "210102-19900101-1237",
        "2101-0219-9001-0112-37",
        "210102１９９００１０１1237",
    ],
    ids=["full-width", "groups-of-four", "six-eight-four", "hyphens", "hyphens-of-four", "mixed"],
)
def test_id_numbers_written_with_spaces_hyphens_or_full_width_digits_are_masked(
    written: str,
) -> None:
    masked = mask_text(f"我的身份证号是{written}，麻烦查一下")
    digits = "".join(ch for ch in masked if ch.isdigit())
    assert "19900101" not in digits and "0219900101" not in digits, masked
    assert masked.startswith("我的身份证号是") and masked.endswith("，麻烦查一下")


def test_full_width_and_spaced_phone_numbers_are_masked() -> None:
    for written in ("１３８１２３４５６７８", "138 1234 5678", "+86 138-1234-5678"):
        masked = mask_text(f"打{written}找我")
        assert "12345678" not in "".join(ch for ch in masked if ch.isdigit()), masked


def test_an_id_shaped_number_with_a_wrong_checksum_is_still_masked() -> None:
    assert "19900101" not in mask_text("身份证210102199001011230")


def test_ordinary_text_dates_and_amounts_are_kept() -> None:
    text = "我2026年10月12日上午9点去,交了300元,第2次来,工作日17:00-19:00"
    assert mask_text(text) == text


def test_case_numbers_are_kept_only_when_asked() -> None:
    text = "工单2026112200123到哪了,预约号AP7K3M9Q2X"
    assert mask_text(text, keep_references=True) == text
    masked = mask_text(text)
    assert "2026112200123" not in masked and "AP7K3M9Q2X" not in masked


def test_caller_numbers_are_masked_unless_already_masked() -> None:
    assert mask_caller_number("+86 138-1234-5678") == "138****5678"
    assert mask_caller_number("138****5678") == "138****5678"


def test_appointment_numbers_are_shown_partially() -> None:
    assert mask_reference("AP7K3M9Q2X") == "AP7K****2X"


def test_log_records_are_masked_before_any_handler_sees_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("bot.test.masking")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="bot.test.masking"):
        logger.info("lookup phone=%s id=%s", "13812345678", "2101 0219 9001 0112 37")
        try:
            raise ValueError(f"bad id {ID_NUMBER}")
        except ValueError:
            logger.exception("failed for %s", USCC)
    logged = caplog.text
    assert "13812345678" not in logged and "0219 9001" not in logged
    assert ID_NUMBER not in logged and USCC not in logged
    assert "138****5678" in logged


def test_numbers_side_by_side_are_masked_each_in_its_own_form() -> None:
    masked = mask_text(f"代码{USCC}13812345678 ２１０１０２１９９００１０１１２３７")
    assert masked == "代码9121**********001G138****5678 2101**********1237"
