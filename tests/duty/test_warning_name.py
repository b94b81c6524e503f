"""A weather warning is named one way everywhere, in the order each language says it:
"Orange blizzard warning", 暴雪橙色预警."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from duty.models import ShiftAssignment, WeatherWarning, warning_name
from duty.reminders import warning_sweep
from duty.services.incidents import warning_create
from tests.helpers import authenticate

from .factories import RosterFactory, ShiftFactory, officer, published

# The Chinese of the warning's words (/work/i18n/panels.tsv); they stand in for the
# catalogue only where it does not have them yet, and change nothing once it does.
CHINESE = {
    "%(level)s %(kind)s warning": "%(kind)s%(level)s预警",
    "%(level)s warning": "%(level)s预警",
    "weather warning name\x04blizzard": "暴雪",
    "weather warning name\x04rainstorm": "暴雨",
}


@contextmanager
def chinese():
    with translation.override("zh-hans"):
        catalog = trans_real.translation("zh-hans")._catalog
        added = [key for key in CHINESE if catalog.get(key) is None]
        for key in added:
            catalog[key] = CHINESE[key]
        try:
            yield
        finally:
            for key in added:
                for part in catalog._catalogs:
                    part.pop(key, None)


def test_english_name_is_colour_hazard_warning():
    with translation.override("en"):
        assert warning_name(kind="blizzard", level="orange") == "Orange blizzard warning"
        assert warning_name(kind="thunder", level="red") == "Red thunder and lightning warning"
        assert warning_name(kind="other", level="blue") == "Blue warning"


def test_chinese_name_is_hazard_colour_yujing():
    with chinese():
        assert warning_name(kind="blizzard", level="orange") == "暴雪橙色预警"
        assert warning_name(kind="other", level="red") == "红色预警"


@pytest.fixture
def warning(staff, django_capture_on_commit_callbacks) -> WeatherWarning:
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        return warning_create(
            actor=staff,
            kind="blizzard",
            level="orange",
            area="高新区全域",
            issued_at=now - timedelta(hours=1),
            valid_until=now + timedelta(hours=12),
        )


def test_banner_names_the_warning(client, alice, warning):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("home")).content.decode()
    assert "Orange blizzard warning · 高新区全域" in body
    with chinese():
        assert str(warning) == "暴雪橙色预警 · 高新区全域"


def test_duty_reminder_names_the_warning(warning, roles, unit_a):
    roster = published(RosterFactory(unit=unit_a))
    today = timezone.localdate()
    shift = ShiftFactory(roster=roster, date=today)
    ShiftAssignment.objects.create(shift=shift, person=officer(unit_a), role="officer")
    with translation.override("en"):
        drafts = warning_sweep(timezone.now())
    messages = [str(getattr(d, "message", "")) for d in drafts]
    assert any(m.startswith("Orange blizzard warning for 高新区全域 until") for m in messages), (
        messages
    )


def test_api_gives_the_warnings_name(api_client, alice, warning):

    authenticate(api_client, alice)
    api_client.cookies["django_language"] = "en"
    body = api_client.get("/api/v1/weather-warnings/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["name"] for row in rows] == ["Orange blizzard warning"]
