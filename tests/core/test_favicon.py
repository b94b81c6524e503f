"""The favicon: every page links it, /favicon.ico leads to it, and the file is served."""

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse


def served(settings, url: str):
    """``url`` as WhiteNoise serves it, from the static source files (the test run has not
    necessarily collected the new files)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(url)  # a fresh client: the middleware reads the settings anew
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize("page", ["login", "home"])
def test_pages_link_the_favicon(client, staff, page):
    client.force_login(staff)
    html = client.get(reverse(page)).content.decode()
    assert f'<link rel="icon" href="{static("favicon.ico")}"' in html
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html


def test_favicon_ico_redirects_to_the_static_file_without_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


def test_the_icons_are_served(settings):
    response, body = served(settings, static("favicon.ico"))
    assert response.status_code == 200
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    response, body = served(settings, static("favicon.svg"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert body.lstrip().startswith(b"<svg")
