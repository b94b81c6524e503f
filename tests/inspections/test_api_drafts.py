"""The draft hazards API: an inspection recorded through the API leaves its failed items
as drafts, exactly as the phone's form does; a client lists them (its own unit's),
confirms each (a hazard of the ledger) or discards it with a reason. A draft already
decided is a 409, a discard without a reason a 400, another unit's draft a 404."""

import pytest

from inspections.models import Hazard, HazardDraft, Inspection
from inspections.services import inspections as inspection_services
from tests.helpers import authenticate, count_queries, png_upload

from .factories import ChecklistItemFactory

API = "/api/v1/"
DRAFTS = f"{API}hazard-drafts/"


@pytest.fixture
def api_client(api_client):
    api_client.default_format = "json"
    return api_client


def _answers(template, failed=(1, 2)):
    return [
        {"item": item.pk, "result": "fail" if item.order in failed else "pass", "note": "现场"}
        for item in template.items.order_by("order")
    ]


@pytest.fixture
def posted(api_client, inspector_a, enterprise_a, template) -> Inspection:
    """An inspection of unit A posted through the API, items 1 and 2 failed."""
    authenticate(api_client, inspector_a)
    response = api_client.post(
        f"{API}inspections/",
        {
            "enterprise": enterprise_a.pk,
            "key_area": template.key_area_id,
            "template": template.pk,
            "date": "2024-06-05",
            "inspectors": [inspector_a.pk],
            "answers": _answers(template),
        },
    )
    assert response.status_code == 201, response.content
    return Inspection.objects.get(pk=response.json()["id"])


def _submit(inspector, enterprise, template, failed, *, photos=False) -> Inspection:
    """An inspection of ``template`` through the service, the ``failed`` items failed."""
    return inspection_services.inspection_submit(
        actor=inspector,
        enterprise=enterprise,
        key_area=template.key_area,
        template=template,
        inspectors=[inspector],
        answers=[
            inspection_services.AnswerInput(
                item=item, result="fail", photos=[png_upload()] if photos else []
            )
            for item in failed
        ],
    )[0]


def _draft(inspection, order) -> HazardDraft:
    return inspection.hazard_drafts.get(answer__item__order=order)


def test_an_inspection_posted_through_the_api_leaves_its_failures_as_drafts(api_client, posted):
    drafts = HazardDraft.objects.order_by("answer__item__order")
    assert [(d.answer.item.order, d.status) for d in drafts] == [(1, "draft"), (2, "draft")]
    # The checklist says item 2's failure is a major hazard: the draft is prefilled so.
    assert [d.level for d in drafts] == ["general", "major"]
    assert not Hazard.objects.exists()
    body = api_client.get(f"{API}inspections/{posted.pk}/").json()
    by_order = {a["item"]: a["hazard_draft"] for a in body["answers"]}
    assert sorted(v for v in by_order.values() if v) == sorted(d.pk for d in drafts)


def test_inspector_lists_their_units_drafts_filtered_by_inspection_and_status(
    api_client, inspector_a, posted, enterprise_a, template
):
    other = _submit(inspector_a, enterprise_a, template, list(template.items.all()))
    authenticate(api_client, inspector_a)
    assert api_client.get(DRAFTS).json()["count"] == 5
    rows = api_client.get(DRAFTS, {"inspection": posted.pk}).json()["results"]
    assert [r["question"] for r in rows] == ["疏散通道是否畅通", "自动喷水灭火系统是否正常"]
    assert {r["inspection"] for r in rows} == {posted.pk}
    api_client.post(f"{DRAFTS}{rows[0]['id']}/discard/", {"reason": "当场整改完毕"})
    waiting = api_client.get(DRAFTS, {"inspection": posted.pk, "status": "draft"}).json()
    assert [r["id"] for r in waiting["results"]] == [rows[1]["id"]]
    assert api_client.get(DRAFTS, {"status": "discarded"}).json()["count"] == 1
    assert api_client.get(DRAFTS, {"inspection": other.pk}).json()["count"] == 3


def test_confirm_returns_the_hazard_of_the_ledger(api_client, alice, posted):
    draft = _draft(posted, 1)
    authenticate(api_client, alice)
    response = api_client.post(
        f"{DRAFTS}{draft.pk}/confirm/", {"description": "疏散通道堆放纸箱", "level": "major"}
    )
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get()
    body = response.json()
    assert (body["id"], body["code"], body["description"], body["level"]) == (
        hazard.pk,
        hazard.code,
        "疏散通道堆放纸箱",
        "major",
    )
    assert body["inspection"] == posted.pk
    row = api_client.get(f"{DRAFTS}{draft.pk}/").json()
    assert (row["status"], row["hazard"], row["hazard_code"], row["decided_by"]) == (
        "confirmed",
        hazard.pk,
        hazard.code,
        alice.pk,
    )


def test_confirm_without_fields_keeps_the_drafts_description_and_level(
    api_client, inspector_a, posted
):
    draft = _draft(posted, 2)
    authenticate(api_client, inspector_a)
    body = api_client.post(f"{DRAFTS}{draft.pk}/confirm/", {}).json()
    assert (body["description"], body["level"]) == (draft.description, "major")


def test_discard_keeps_the_draft_on_record_with_who_and_why(api_client, inspector_a, posted):
    draft = _draft(posted, 1)
    authenticate(api_client, inspector_a)
    response = api_client.post(f"{DRAFTS}{draft.pk}/discard/", {"reason": "当场整改完毕"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["reason"], body["decided_by"]) == (
        "discarded",
        "当场整改完毕",
        inspector_a.pk,
    )
    assert body["decided_at"] and body["hazard"] is None
    assert not Hazard.objects.exists()


def test_discard_without_a_reason_is_a_400_on_the_field(api_client, inspector_a, posted):
    draft = _draft(posted, 1)
    authenticate(api_client, inspector_a)
    for payload in ({}, {"reason": ""}):
        response = api_client.post(f"{DRAFTS}{draft.pk}/discard/", payload)
        assert response.status_code == 400
        assert [e["attr"] for e in response.json()["errors"]] == ["reason"]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_wrong_level_is_a_400_on_the_field(api_client, inspector_a, posted):
    authenticate(api_client, inspector_a)
    response = api_client.post(f"{DRAFTS}{_draft(posted, 1).pk}/confirm/", {"level": "huge"})
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["level"]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("confirm", "confirm"),
        ("confirm", "discard"),
        ("discard", "confirm"),
        ("discard", "discard"),
    ],
)
def test_a_decided_draft_is_a_409(api_client, inspector_a, posted, first, then):
    draft = _draft(posted, 1)
    authenticate(api_client, inspector_a)
    reason = {"reason": "当场整改完毕"}
    assert api_client.post(f"{DRAFTS}{draft.pk}/{first}/", reason).status_code in (200, 201)
    response = api_client.post(f"{DRAFTS}{draft.pk}/{then}/", reason)
    assert response.status_code == 409
    assert "already" in response.json()["errors"][0]["detail"]
    assert Hazard.objects.count() == (1 if first == "confirm" else 0)


# --- The permission matrix ------------------------------------------------------------


@pytest.mark.parametrize("user", ["inspector_a", "alice"])
def test_own_units_inspector_and_head_read_the_drafts(api_client, request, posted, user):
    draft = _draft(posted, 1)
    authenticate(api_client, request.getfixturevalue(user))
    assert {r["id"] for r in api_client.get(DRAFTS).json()["results"]} == set(
        posted.hazard_drafts.values_list("pk", flat=True)
    )
    assert api_client.get(f"{DRAFTS}{draft.pk}/").json()["question"] == "疏散通道是否畅通"


@pytest.mark.parametrize("user", ["inspector_b", "bob"])
def test_another_units_drafts_are_404_and_an_empty_list(api_client, request, posted, user):
    draft = _draft(posted, 1)
    authenticate(api_client, request.getfixturevalue(user))
    assert api_client.get(DRAFTS).json()["count"] == 0
    assert api_client.get(DRAFTS, {"inspection": posted.pk}).status_code == 400
    assert api_client.get(f"{DRAFTS}{draft.pk}/").status_code == 404
    reason = {"reason": "当场整改完毕"}
    assert api_client.post(f"{DRAFTS}{draft.pk}/confirm/", {}).status_code == 404
    assert api_client.post(f"{DRAFTS}{draft.pk}/discard/", reason).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft" and not Hazard.objects.exists()


def test_anonymous_gets_401(api_client, posted):
    draft = _draft(posted, 1)
    authenticate(api_client, None)
    assert api_client.get(DRAFTS).status_code == 401
    assert api_client.get(f"{DRAFTS}{draft.pk}/").status_code == 401
    assert api_client.post(f"{DRAFTS}{draft.pk}/confirm/", {}).status_code == 401
    assert api_client.post(f"{DRAFTS}{draft.pk}/discard/", {"reason": "x"}).status_code == 401


def test_a_role_without_drafts_gets_403(api_client, officer_a, posted):
    authenticate(api_client, officer_a)
    assert api_client.get(DRAFTS).status_code == 403
    response = api_client.post(f"{DRAFTS}{_draft(posted, 1).pk}/confirm/", {})
    assert response.status_code == 403


def test_staff_see_and_decide_every_units_drafts(api_client, staff, posted):
    draft = _draft(posted, 2)
    authenticate(api_client, staff)
    assert api_client.get(DRAFTS).json()["count"] == 2
    response = api_client.post(f"{DRAFTS}{draft.pk}/confirm/", {})
    assert response.status_code == 201, response.content
    assert Hazard.objects.get().draft == draft


# --- Query counts ---------------------------------------------------------------------


def test_list_query_count_is_the_same_for_5_and_50_rows(
    api_client, staff, inspector_a, enterprise_a, template
):
    """Rows of several inspections, each item with a photo."""
    for order in range(4, 11):
        ChecklistItemFactory(template=template, order=order, question=f"检查项{order}")
    items = list(template.items.order_by("order"))
    authenticate(api_client, staff)
    counts = []
    for rows in (5, 45):
        while rows > 0:
            chunk = items[: min(rows, len(items))]
            _submit(inspector_a, enterprise_a, template, chunk, photos=True)
            rows -= len(chunk)
        counts.append(count_queries(api_client, DRAFTS, {"page_size": 100}))
    assert HazardDraft.objects.count() == 50
    assert counts[0] == counts[1], counts
