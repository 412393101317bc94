"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from django.utils.translation import gettext_noop

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None for a valid code, otherwise what is wrong with it (in English, for translation)."""
    if len(code) != 18:
        return gettext_noop("must have 18 characters")
    if any(c not in CHARSET for c in code):
        return gettext_noop("contains a character not allowed (only digits and capitals other than I, O, S, V, Z)")
    if not code[2:8].isdigit():
        return gettext_noop("characters 3–8 must be the administrative division code")
    if check_character(code[:17]) != code[17]:
        return gettext_noop("the check character does not match")
    return None
