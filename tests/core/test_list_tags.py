"""The pieces list pages draw with: short choice lists read in one query, filter fields
in Bootstrap's markup, row URLs, labels and dates as Django's own would draw them."""

import datetime as dt

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inspections.models import Hazard
from safetyzone.core.forms import ListedModelChoiceField
from safetyzone.org.models import Unit

from ..factories import UnitFactory

pytestmark = pytest.mark.django_db


class UnitFilter(forms.Form):
    unit = ListedModelChoiceField(queryset=Unit.objects.order_by("name"), required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load list_tags %}" + source).render(context)


def test_short_choice_lists_are_read_in_one_query_however_often_drawn():
    units = [UnitFactory(name=f"单位{i}") for i in range(3)]
    form = UnitFilter({"unit": units[1].pk})
    assert form.is_valid()
    with CaptureQueriesContext(connection) as queries:
        first = str(form["unit"])
        second = str(form["unit"])
        assert len(form.fields["unit"].choices) == 4
    assert len(queries) == 1
    assert first == second
    assert f'<option value="{units[1].pk}" selected>单位1</option>' in first


def test_filter_field_draws_label_widget_value_and_errors():
    unit = UnitFactory(name="应急局")
    form = UnitFilter({"unit": unit.pk, "day": "nonsense"})
    form.is_valid()
    select = render("{{ form.unit|filter_field }}", form=form)
    assert '<label for="id_unit" class="form-label">Unit</label>' in select
    assert '<select name="unit" class="select form-select" id="id_unit">' in select
    assert '<option value="">---------</option>' in select
    assert f'<option value="{unit.pk}" selected>应急局</option>' in select
    day = render("{{ form.day|filter_field }}", form=form)
    assert '<input type="date" name="day" value="nonsense"' in day
    assert "is-invalid" in day and "invalid-feedback" in day


def test_label_is_the_display_of_the_choice_in_the_active_language():
    hazard = Hazard(level="major", status="accepted")
    with translation.override("en"):
        assert render('{{ h|label:"level" }}', h=hazard) == hazard.get_level_display()
    with translation.override("zh-hans"):
        assert render('{{ h|label:"status" }}', h=hazard) == hazard.get_status_display()
        assert render('{{ h|label:"status" }}', h=hazard) != "accepted"


def test_row_url_and_isodate_draw_as_reverse_and_the_date_filter():
    hazards = [Hazard(pk=pk) for pk in (7, 12345)]
    html = render(
        "{% for h in hs %}{% row_url 'inspections:hazard-detail' h.pk %};{% endfor %}", hs=hazards
    )
    assert html == ";".join(h.get_absolute_url() for h in hazards) + ";"
    day = dt.date(2024, 3, 5)
    assert render("{{ d|isodate }}", d=day) == render('{{ d|date:"Y-m-d" }}', d=day)
    assert render("{{ d|isodate }}", d=None) == ""
    late = dt.datetime(2024, 3, 5, 20, 30, tzinfo=dt.UTC)  # the 6th in Beijing
    assert render("{{ d|isodate }}", d=late) == render('{{ d|date:"Y-m-d" }}', d=late)


def test_filter_selects_draw_as_djangos_select():
    units = [UnitFactory(name=f"单位{i}") for i in range(3)]

    class Filter(forms.Form):
        unit = ListedModelChoiceField(queryset=Unit.objects.order_by("name"), required=False)
        level = forms.ChoiceField(choices=[("", "全部"), ("a", "<A>"), ("b", "B")])
        grouped = forms.ChoiceField(choices=[("G", [("x", "X"), ("y", "Y")]), ("z", "Z")])

    for data in (None, {"unit": units[2].pk, "level": "a", "grouped": "y"}):
        form = Filter(data)
        for bound in form:
            drawn = render("{{ f|filter_field }}", f=bound)
            start, end = drawn.index("<select"), drawn.index("</select>") + len("</select>")
            mine, django = drawn[start:end], bound.as_widget(attrs={"class": "select form-select"})
            # The same attributes (in any order), then the same options.
            tag, options = mine.split(">", 1)
            django_tag, django_options = django.split(">", 1)
            assert sorted(tag.split()) == sorted(django_tag.split())
            assert "".join(options.split()) == "".join(django_options.split())
