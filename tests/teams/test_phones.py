import pytest
from django.core.exceptions import ValidationError

from teams.phones import mask_phone, normalize_phone, validate_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812345678", "138****5678"), ("021-62345678", "021-****5678"), ("", ""), ("123", "***")],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("good", ["13812345678", "021-62345678", "02162345678", "0571-8888666-123"])
def test_valid_phones(good):
    validate_phone(good)


@pytest.mark.parametrize("bad", ["12812345678", "1381234567", "62345678", "abc"])
def test_invalid_phones_explain_in_chinese(bad, settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_phone(bad)
    assert "手机号" in str(error.value.messages[0])


def test_normalize_strips_country_code_and_spaces():
    assert normalize_phone("+86 138 1234 5678") == "13812345678"
