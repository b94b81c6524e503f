"""The campaigns demo: the source article's meeting and campaign, idempotent."""

from campaigns import demo
from campaigns.models import (
    Activity,
    Campaign,
    Chaser,
    Directive,
    ExtensionRequest,
    KeyPeriod,
    Meeting,
    Task,
    TaskAssignment,
)
from safetyzone.org import demo as org_demo


def _counts():
    return [
        m.objects.count()
        for m in (Campaign, KeyPeriod, Directive, Meeting, Activity, Task, TaskAssignment, Chaser)
    ]


def test_campaigns_demo_follows_the_article_and_is_idempotent(db):
    org_demo.seed()
    demo.seed()
    first = _counts()
    demo.seed()
    assert _counts() == first

    month = Campaign.objects.get(name="2024年安全生产月")
    assert month.parent.kind == Campaign.Kind.THREE_YEAR_ACTION
    assert month.theme == "人人讲安全、个个会应急——畅通生命通道"
    assert month.phases.count() == 3

    june = KeyPeriod.objects.filter(start_date__year=2024, start_date__month=6)
    names = " ".join(june.values_list("name", flat=True))
    for word in ("中考", "端午节", "吉马", "咨询日"):
        assert word in names
    # The Dragon Boat Festival goes with its holiday: a copy follows the holiday's dates.
    assert june.get(name="2024年端午节").holiday == "dragon_boat"
    assert set(june.exclude(name="2024年端午节").values_list("holiday", flat=True)) == {""}

    meeting = Meeting.objects.get(starts_at__date="2024-06-04")
    assert meeting.status == Meeting.Status.ISSUED
    assert meeting.chair.startswith("王立")
    assert str(meeting.document_number) == "高新安委办〔2024〕1号"
    assert meeting.attendances.count() >= 10
    assert meeting.directives.filter(title__contains="近期安全防范").exists()

    assert Activity.objects.count() >= 12
    assert {"drill", "five_into", "training", "seminar", "consultation_day"} <= set(
        Activity.objects.values_list("kind", flat=True)
    )

    statuses = set(TaskAssignment.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in TaskAssignment.Status}
    assert ExtensionRequest.objects.filter(status="granted").exists()
    assert Chaser.objects.filter(acknowledged_at__isnull=True).exists()
    assert any(a.is_overdue() for a in TaskAssignment.objects.all())


def test_demo_heads_signed_for_the_notice_and_minutes_are_recorded(db):
    org_demo.seed()
    demo.seed()
    demo.seed()
    meeting = Meeting.objects.get(starts_at__date="2024-06-04")
    signed = meeting.attendances.filter(signed_at__isnull=False)
    assert set(signed.values_list("signed_by__username", flat=True)) == {"head", "head2"}
    assert "王立" in meeting.minutes
    # The requirements quoted in the minutes read as one sentence: no "。；" nor "。。".
    assert "。；" not in meeting.minutes
    assert "。。" not in meeting.minutes
    assert meeting.minutes.endswith("。")
