"""Phone and ID numbers are masked wherever free text is logged or stored."""

from __future__ import annotations

from core.masking import mask_caller_number, mask_personal_data


def test_phone_and_id_numbers_in_text_are_masked() -> None:
    text = "我电话13812345678,身份证210102199001011234,座机024-12345678"
    masked = mask_personal_data(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "210102199001011234" not in masked and "2101**********1234" in masked
    assert "12345678" not in masked.replace("138****5678", "")


def test_credit_codes_and_case_numbers_are_kept() -> None:
    text = "信用代码91210100MA0XXXXX1X,工单2026112200123"
    assert mask_personal_data(text) == text


def test_caller_numbers_are_masked_unless_already_masked() -> None:
    assert mask_caller_number("+86 138-1234-5678") == "138****5678"
    assert mask_caller_number("138****5678") == "138****5678"
