"""The interface speaks Chinese by default and English on request."""

import re

from django.conf import settings


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_home_is_chinese_by_default(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "zh-hans"
    assert response["Content-Language"] == "zh-hans"


def test_set_language_to_english_makes_the_home_page_english(client, alice):
    client.force_login(alice)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get("/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_switching_back_to_chinese(client, alice):
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert html_lang(client.get("/")) == "zh-hans"


def test_an_unknown_language_is_ignored(client, alice):
    client.force_login(alice)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert html_lang(client.get("/")) == "zh-hans"


def test_the_login_page_follows_the_language_too(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert html_lang(response) == "en"
