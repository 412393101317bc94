import pytest

from licensing.credit_code import check_character, credit_code_problem

# Codes of real companies, as published on their business licences.
REAL_CODES = ["91350100M000100Y43", "914403001922038216", "91330100716105852F", "9144030071526726XG"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_are_valid(code):
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", REAL_CODES)
@pytest.mark.parametrize("position", [0, 5, 10, 16, 17])
def test_a_corrupted_character_is_caught_by_the_check_character(code, position):
    replacement = "1" if code[position] != "1" else "2"
    corrupted = code[:position] + replacement + code[position + 1 :]
    assert credit_code_problem(corrupted) is not None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y433", "18 characters"),
        ("91350100M000I00Y43", "not allowed"),  # I is not in the character set
        ("91350100m000100y43", "not allowed"),  # lower case
        ("91AB0100M000100Y43", "administrative division"),
        ("91350100M000100Y44", "check character"),
    ],
)
def test_malformed_codes_say_what_is_wrong(code, problem):
    assert problem in credit_code_problem(code)


def test_swapping_two_characters_is_caught():
    code = REAL_CODES[1]
    swapped = code[:9] + code[10] + code[9] + code[11:]
    assert swapped != code and credit_code_problem(swapped) is not None


def test_the_check_character_of_a_known_code():
    assert check_character("91350100M000100Y4") == "3"
