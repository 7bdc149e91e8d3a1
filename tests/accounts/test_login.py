"""Signing in: the login page, throttling of repeated failures (django-axes), sessions."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user("l-person", password="正确的密码-2020-kaohe")


def attempt(client: Client, password: str):
    return client.post("/accounts/login/", {"username": "l-person", "password": password})


def test_a_right_password_signs_in_and_a_wrong_one_says_so(person):
    client = Client()
    wrong = attempt(client, "不对")
    assert wrong.status_code == 200 and "用户名或密码不正确" in wrong.content.decode()
    right = attempt(client, "正确的密码-2020-kaohe")
    assert right.status_code == 302


def test_repeated_failures_lock_the_account_even_for_the_right_password(person):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "不对")
    locked = attempt(client, "正确的密码-2020-kaohe")
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_form_needs_csrf(person):
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, "正确的密码-2020-kaohe").status_code == 403


def test_session_settings():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.AUTH_PASSWORD_VALIDATORS and settings.X_FRAME_OPTIONS == "DENY"
