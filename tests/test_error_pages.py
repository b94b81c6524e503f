"""403, 404 and 500 pages are the product's own, in Chinese by default."""

import pytest
from django.test import Client
from django.urls import path

from safetyzone import urls as project_urls


def boom(request):
    raise RuntimeError("boom")


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [
    *project_urls.urlpatterns,
    path("test-boom/", boom),
    path("test-forbidden/", forbidden),
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def test_404_page_is_chinese(client, production_like, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "页面不存在" in body


def test_403_page_is_chinese(client, production_like, alice):
    client.force_login(alice)
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_500_page_is_chinese(production_like, db):
    client = Client(raise_request_exception=False)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    assert "服务器" in response.content.decode()


def test_404_page_in_english_when_chosen(client, production_like, alice):
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_browser_language_does_not_override_chinese_default(client, alice):
    client.force_login(alice)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()
