"""Validators for Chinese identifiers used across the product."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code's alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

PHONE_PATTERN = re.compile(
    r"^(?:1[3-9]\d{9}"  # mobile
    r"|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"  # landline with area code, optional extension
    r"|\d{7,8}"  # local landline
    r"|1[0-2]\d{1,3})$"  # short service numbers: 110, 119, 12345 ...
)


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code, computed from the first 17."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(code)},
        )
    if not USCC_PATTERN.match(code):
        raise ValidationError(
            _("The code contains characters a unified social credit code cannot have."),
            code="uscc_characters",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character does not match: please check the code for a typing error."),
            code="uscc_check",
        )


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value or "").replace("—", "-")


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(normalise_phone(value)):
        raise ValidationError(
            _("Enter a mobile number (11 digits) or a landline such as 0432-12345678."),
            code="phone",
        )
