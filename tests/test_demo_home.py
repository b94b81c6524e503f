"""The demo shows a department head's home with work waiting of every kind."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from safetyzone.org.models import User


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_demo_head_has_every_kind_of_work_to_do(client, db):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="head"))
    response = client.get(reverse("home"))
    panels = {panel.key: context for panel, context in response.context["panels"]}
    labels = {group.label for group in panels["todo"]["groups"]}
    assert labels == {
        "Meeting notices to sign for",
        "Tasks to sign for",
        "Chasers to acknowledge",
        "Rectification reports returned",
        "Hazards due this week",
    }
