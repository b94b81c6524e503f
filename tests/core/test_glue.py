"""The one glue between services and HTTP (safetyzone.core): status graphs, the API's
answer to what a service raises, and a service's errors on a page's form."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from safetyzone.core.forms import errors_to_form
from safetyzone.core.states import StatusGraph, TransitionNotAllowed
from safetyzone.org.scoping import OutsideUnit

GRAPH = StatusGraph({"open": ("done", "cancelled"), "done": (), "cancelled": ()})


def test_a_graph_allows_only_its_declared_moves():
    assert GRAPH.allows("open", "done")
    assert not GRAPH.allows("done", "open")
    assert not GRAPH.allows("unknown", "done")
    assert GRAPH.final == ("done", "cancelled")
    assert GRAPH.open == ("open",)
    assert GRAPH.get("open") == ("done", "cancelled")


def test_a_refused_move_raises_transition_not_allowed_with_its_message():
    GRAPH.check("open", "done")
    with pytest.raises(TransitionNotAllowed) as caught:
        GRAPH.check("done", "open", "Already done.")
    assert caught.value.messages == ["Already done."]
    assert caught.value.code == "transition_not_allowed"


def test_a_graph_refuses_a_move_to_an_undeclared_status():
    with pytest.raises(ValueError, match="undeclared"):
        StatusGraph({"open": ("closed",)})


def _answer(exc):
    @api_view(["POST"])
    @permission_classes([AllowAny])
    def view(request):
        raise exc

    return view(APIRequestFactory().post("/api/v1/test/", {}, format="json"))


@pytest.mark.parametrize(
    ("exc", "status", "attr"),
    [
        (TransitionNotAllowed("Not now."), 409, None),
        (ValidationError({"deadline": ["Too early."]}), 400, "deadline"),
        (ValidationError("Broken rule."), 400, "non_field_errors"),
        (OutsideUnit("Not yours."), 404, None),
        (PermissionDenied(), 403, None),
    ],
)
def test_the_api_answers_what_a_service_raises_the_same_way_everywhere(exc, status, attr):
    response = _answer(exc)
    assert response.status_code == status
    error = response.data["errors"][0]
    assert error["attr"] == attr
    if status == 409:
        assert error["detail"] == "Not now."
        assert error["code"] == "transition_not_allowed"


def test_an_outsider_gets_the_404_of_a_missing_record_not_the_reason():
    response = _answer(OutsideUnit("You can only act for your own unit."))
    assert "own unit" not in str(response.data)


class _Form(forms.Form):
    title = forms.CharField()


class _Row(forms.Form):
    starts = forms.DateField()


@pytest.mark.parametrize(
    ("exc", "field_errors", "top_errors"),
    [
        (ValidationError({"title": "Taken."}), {"title": ["Taken."]}, []),
        (ValidationError({"other": "Elsewhere."}), {}, ["Elsewhere."]),
        (ValidationError("One problem."), {}, ["One problem."]),
        (ValidationError(["First.", "Second."]), {}, ["First.", "Second."]),
    ],
)
def test_service_errors_land_on_the_form_whatever_their_shape(exc, field_errors, top_errors):
    form = _Form(data={"title": "Drill"})
    form.is_valid()
    errors_to_form(form, exc)
    assert {k: v for k, v in form.errors.items() if k != "__all__"} == field_errors
    assert form.non_field_errors() == top_errors
    assert form.data["title"] == "Drill"


def test_a_row_error_lands_on_its_row_of_the_formset():
    form, rows = _Form(data={"title": "x"}), [_Row(data={}), _Row(data={})]
    for item in (form, *rows):
        item.is_valid()
    errors_to_form(
        form,
        ValidationError({"phases.1.starts": "Before the campaign.", "phases.7.starts": "Gone."}),
        rows={"phases": rows},
    )
    assert "Before the campaign." in rows[1].errors["starts"]
    assert "Before the campaign." not in str(rows[0].errors)
    assert form.non_field_errors() == ["Gone."]
