import pytest
from django.core.exceptions import ValidationError

from safetyzone.org.validators import validate_phone, validate_uscc


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91110000600037341L"],
)
def test_known_good_credit_codes_pass(code):
    validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("91350100M000100I43", "uscc_characters"),
        ("91350100M000100Y44", "uscc_check"),
        ("911100001000013934", "uscc_check"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong(code, error_code):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == error_code


@pytest.mark.parametrize(
    "phone", ["13800000000", "0432-64501110", "043264501110", "64501110", "119", "0432-6450111-801"]
)
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["9999", "1380000000", "abc", "0432-12", "23800000000"])
def test_invalid_phones(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)
