"""An issued notice is frozen in the admin too: only its minutes can change."""

from django.urls import reverse

from campaigns.services.meetings import meeting_issue

from ..factories import draft_meeting


def test_admin_cannot_change_an_issued_notice_but_can_record_minutes(client, admin_user, unit_a):
    meeting = draft_meeting(organiser=unit_a, units=[unit_a], title="原标题")
    meeting_issue(meeting=meeting, actor=admin_user)
    client.force_login(admin_user)
    url = reverse("admin:campaigns_meeting_change", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    form_fields = page.context["adminform"].form.fields
    assert "title" not in form_fields
    assert "minutes" in form_fields
    response = client.post(url, {"title": "篡改", "minutes": "会议纪要正文"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "原标题"
    assert meeting.minutes == "会议纪要正文"
