"""The home page shows the user's scope and the panels the domain apps register."""

from django.urls import reverse

from safetyzone.core.panels import _PANELS, Panel, register_home_panel

from .factories import EnterpriseFactory


def test_home_counts_only_what_the_head_may_see(client, alice, unit_a, unit_b):
    EnterpriseFactory.create_batch(2, supervising_unit=unit_a)
    EnterpriseFactory.create_batch(3, supervising_unit=unit_b)
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert response.context["enterprise_count"] == 2
    assert response.context["unit_count"] == 1


def test_home_shows_staff_every_unit(client, staff, unit_a, unit_b):
    EnterpriseFactory.create_batch(2, supervising_unit=unit_a)
    EnterpriseFactory.create_batch(3, supervising_unit=unit_b)
    client.force_login(staff)
    assert client.get(reverse("home")).context["enterprise_count"] == 5


def test_registered_panel_is_rendered_with_its_context(client, alice, tmp_path, settings):
    template_dir = tmp_path / "tpl"
    (template_dir / "x").mkdir(parents=True)
    (template_dir / "x" / "panel.html").write_text("<p>panel says {{ panel.word }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], template_dir]}]
    register_home_panel(
        Panel(key="test", template="x/panel.html", context=lambda r: {"word": "你好"})
    )
    register_home_panel(Panel(key="hidden", template="x/panel.html", context=lambda r: None))
    try:
        client.force_login(alice)
        body = client.get(reverse("home")).content.decode()
    finally:
        _PANELS.pop("test")
        _PANELS.pop("hidden")
    assert body.count("panel says") == 1
    assert "panel says 你好" in body


def test_navigation_reaches_the_three_domains(client, alice):
    client.force_login(alice)
    body = client.get(reverse("home")).content.decode()
    for name in ("campaigns:index", "inspections:index", "duty:index"):
        url = reverse(name)
        assert f'href="{url}"' in body
        assert client.get(url).status_code == 200
