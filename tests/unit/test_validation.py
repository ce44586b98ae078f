"""Field rules of registration and the profile (core.validation): every problem at once, each under its field."""
from datetime import date

import pytest

from core import validation

TODAY = date(2026, 6, 1)
GOOD = {"username": "asha.k", "firstname": "Asha", "lastname": "Kapoor", "email": "asha@example.com",
        "dob": date(1990, 5, 17), "password": "Monsoon-Reels-2024", "password_confirm": "Monsoon-Reels-2024"}


def test_a_good_form_has_no_problems():
    assert validation.registration_errors(GOOD, TODAY) == {}


def test_every_problem_is_named_under_its_own_field():
    bad = {"username": "a b", "firstname": "\u200b", "lastname": "", "email": "nodot@example", "dob": None,
           "password": "short", "password_confirm": "other"}
    assert validation.registration_errors(bad, TODAY) == {
        "username": validation.username_error("a b"),
        "firstname": "Enter your first name.",
        "lastname": "Enter your last name.",
        "email": "That is not a valid email address: it should look like name@example.com.",
        "dob": "Enter your date of birth.",
        "password": "Use at least 8 characters.",
        "password_confirm": "The two passwords differ; type the same password twice.",
    }


def test_password_rules():
    assert validation.password_errors("password123", "password123") == {
        "password": "That is one of the most common passwords; choose one that is harder to guess."}
    assert "may not be your username" in validation.password_errors("Asha.Kapoor", "Asha.Kapoor", "asha.kapoor")[
        "password"]
    assert "at most 72 bytes" in validation.password_errors("é" * 40, "é" * 40)["password"]
    assert "only spaces" in validation.password_errors(" " * 9, " " * 9)["password"]


def test_dates_of_birth_and_trimming():
    assert validation.dob_error(date(2026, 6, 2), TODAY) == "The date of birth cannot be in the future."
    assert validation.dob_error(date(1899, 12, 31), TODAY) == "The date of birth cannot be before 01 January 1900."
    assert validation.clean({"firstname": " Asha ", "password": " x "}) == {"firstname": "Asha", "password": " x "}


@pytest.mark.parametrize("password", ["  password  ", "PASSWORD123", "Password123!", "\tqwerty123 ", "iloveyou!!"])
def test_a_common_password_with_spaces_case_or_digits_around_it_is_refused(password):
    assert "most common passwords" in validation.password_errors(password, password, "meera")["password"]


@pytest.mark.parametrize("password", ["meera2024", " Meera123 ", "MEERA!!!!", "2024meera", "meera_007"])
def test_the_username_with_digits_or_symbols_around_it_is_refused(password):
    assert "may not be your username" in validation.password_errors(password, password, "meera")["password"]


def test_a_long_password_that_merely_contains_a_common_word_is_kept():
    assert validation.password_errors("Monsoon-Reels-2024", "Monsoon-Reels-2024", "meera") == {}
    assert validation.password_errors("password-of-the-monsoon", "password-of-the-monsoon", "meera") == {}
