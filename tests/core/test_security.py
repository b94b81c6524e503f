"""Security headers on every page (Content-Security-Policy), and the API's schema and docs
behind a login in production."""

import re

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import EnterpriseFactory
from tests.test_settings import production_env, run_python

EVIL = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def urls_without_parameters(patterns=None, prefix: str = "") -> list[str]:
    """Every URL of the site that takes no parameter (detail pages need an object)."""
    urls = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if re.search(r"[<(\[?]", route.lstrip("^")):
            continue
        route = route.lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            urls += urls_without_parameters(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            urls.append("/" + prefix + route)
    return sorted(set(urls))


def test_the_policy_allows_only_our_own_scripts_and_no_plugins_or_framing(client, db):
    policy = csp(client.get("/accounts/login/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    # Inline styles stay (progress bars, htmx's indicator style); inline scripts never.
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


@pytest.mark.parametrize("who", [None, "admin_user"])
def test_every_html_response_carries_the_policy(client, request, enterprise, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    # A page that fails is still an HTML response (the 500 page) and needs the header too.
    client.raise_request_exception = False
    urls = urls_without_parameters() + ["/no-such-page/", "/api/v1/units/?format=api"]
    assert "/accounts/login/" in urls and "/admin/" in urls and "/api/docs/" in urls
    html = 0
    for url in urls:
        if url == "/api/schema/" or "." in url.rsplit("/", 1)[-1]:
            continue  # the schema and file downloads (PDF, xlsx, ics) are slow and not HTML
        response = client.get(url, follow=True)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            html += 1
            assert "script-src 'self'" in response.headers.get("Content-Security-Policy", ""), url
    assert html >= 10


@pytest.fixture
def enterprise(unit_a):
    return EnterpriseFactory(name=f"硅谷燃气站{EVIL}", supervising_unit=unit_a)


def test_a_stored_payload_is_shown_as_text(client, alice, enterprise):
    client.force_login(alice)
    body = client.get("/org/enterprises/").content.decode()
    assert "硅谷燃气站" in body
    assert "<script>window.__xss" not in body
    assert "onerror=" not in body.replace("onerror=&quot;", "")


def test_the_docs_page_loads_its_script_from_a_file(client, db):
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), body


# --- The API's schema and docs ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_a_login_when_not_public(client, api_client, alice, url):
    with override_settings(API_DOCS_PUBLIC=False):
        assert client.get(url).status_code in (401, 403)
        client.force_login(alice)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_open_outside_production(client, db, url, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get(url).status_code == 200


def test_production_keeps_the_docs_behind_a_login():
    """The default follows DJANGO_ENV (read in a fresh interpreter, as tests/test_settings.py
    does)."""
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.API_DOCS_PUBLIC, s.TRUSTED_PROXY_COUNT, s.API_TOKEN_TTL_DAYS)"
    production = run_python(code, **production_env())
    assert production.returncode == 0, production.stderr
    assert production.stdout.split() == ["False", "0", "30"]
    development = run_python(code)
    assert development.stdout.split() == ["True", "0", "30"]
    configured = run_python(code, TRUSTED_PROXY_COUNT="1", API_TOKEN_TTL_DAYS="7")
    assert configured.stdout.split() == ["True", "1", "7"]
