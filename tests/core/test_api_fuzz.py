"""The whole API against its published schema, with inputs made up by schemathesis.

Every operation of /api/schema/ is called with generated requests (valid and invalid
bodies, parameters and ids), as committee staff and as a department head, on a small
world of two units' records, and every answer must be no server error, a status code,
content type and body the schema declares. The number of examples per operation is
small and the seed fixed, so that CI repeats the same run in a few minutes.

Left out: the operations of /api/v1/auth/ (they need real credentials, not the forced
login these tests use; tests/org/test_api_tokens.py tests them).
"""

import datetime as dt
import zlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from campaigns import models as cm
from duty import models as dm
from inspections import models as im
from inspections.services import hazards as hazard_services
from safetyzone.notifications.models import Notification
from safetyzone.org.models import Enterprise, KeyArea, Unit
from safetyzone.org.roles import Role
from tests.documents.factories import GeneratedDocumentFactory
from tests.duty.factories import ResourceFactory, RosterFactory, TeamFactory, WarningFactory
from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    DirectiveFactory,
    EnterpriseFactory,
    KeyAreaFactory,
    KeyPeriodFactory,
    ProgressReportFactory,
    UnitFactory,
    UserFactory,
    draft_meeting,
    task_for_units,
)
from tests.inspections.factories import (
    EnforcementActionFactory,
    InspectionFactory,
    InspectionTaskFactory,
    ViolationFactory,
)
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# Examples per operation (the fuzzing phase); the examples phase adds the schema's own.
MAX_EXAMPLES = 15

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20240612,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        # The coverage phase alone sends hundreds of requests per operation; stateful
        # links are not declared in the schema.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)

# What a response must be. Not among them: positive_data_acceptance (a schema-valid
# body may still break a rule of the service, a 400 by design) and
# negative_data_rejection (a parameter the schema does not know is ignored, as HTTP
# APIs do), nor the authentication checks (these tests force the login).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class ActingAs(WSGIHandler):
    """The project's WSGI application, with every request signed in as ``user``."""

    user = None

    def get_response(self, request):
        if self.user is not None:
            request._force_auth_user = self.user
        return super().get_response(request)


def published_schema() -> dict:
    import json

    generator = SchemaGenerator()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


app = ActingAs()
schema = schemathesis.openapi.from_dict(published_schema(), config=CONFIG)
schema.app = app
schema = schema.exclude(path_regex="^/api/v1/auth/")

# The record a path's ``{id}`` names, by the path's first segment: a generated id is
# mostly replaced by one of the world's records (the reader's own or another unit's).
MODELS = {
    "activities": cm.Activity,
    "campaigns": cm.Campaign,
    "directives": cm.Directive,
    "documents": "documents.GeneratedDocument",
    "enforcement-actions": im.EnforcementAction,
    "enterprises": Enterprise,
    "hazards": im.Hazard,
    "inspection-tasks": im.InspectionTask,
    "inspections": im.Inspection,
    "key-areas": KeyArea,
    "key-periods": cm.KeyPeriod,
    "meetings": cm.Meeting,
    "notifications": Notification,
    "progress-reports": cm.ProgressReport,
    "rescue-teams": dm.RescueTeam,
    "resources": dm.EmergencyResource,
    "rosters": dm.DutyRoster,
    "shifts": dm.Shift,
    "task-assignments": cm.TaskAssignment,
    "tasks": cm.Task,
    "units": Unit,
    "violations": im.Violation,
    "weather-warnings": dm.WeatherWarning,
}


def world(staff, head, other_head) -> None:
    """Records of the head's unit and of another unit, of most kinds the API serves."""
    fire = KeyAreaFactory(code="fire", name="消防")
    campaign = CampaignFactory(lead_unit=staff.unit)
    KeyPeriodFactory(campaign=campaign)
    DirectiveFactory(campaign=campaign)
    for person in (head, other_head):
        unit = person.unit
        enterprise = EnterpriseFactory(supervising_unit=unit)
        enterprise.key_areas.set([fire])
        inspection = InspectionFactory(enterprise=enterprise, key_area=fire)
        InspectionTaskFactory(key_area=fire)
        hazard_services.hazard_create(
            actor=staff,
            enterprise=enterprise,
            key_area=fire,
            description="疏散通道堆放杂物",
            found_on=dt.date(2024, 6, 5),
            deadline=dt.date(2024, 6, 20),
            inspection=inspection,
        )
        ViolationFactory(enterprise=enterprise, inspection=inspection)
        EnforcementActionFactory(enterprise=enterprise, inspection=inspection)
        draft_meeting(organiser=staff.unit, units=[unit], campaign=campaign)
        task = task_for_units(lead=unit, campaign=campaign)
        ProgressReportFactory(assignment=task.assignments.get())
        ActivityFactory(unit=unit, campaign=campaign)
        RosterFactory(unit=unit)
        ResourceFactory(unit=unit)
        TeamFactory(unit=unit)
        NotificationFactory(recipient=person)
        GeneratedDocumentFactory(unit=unit)
    WarningFactory()


def ids_of(model) -> list[int]:
    from django.apps import apps

    if isinstance(model, str):
        model = apps.get_model(model)
    return sorted(model._default_manager.values_list("pk", flat=True))


# The record a body's field names, by the field's name.
FIELDS = {
    "campaign": cm.Campaign,
    "enterprise": Enterprise,
    "hazard": im.Hazard,
    "inspection": im.Inspection,
    "key_area": KeyArea,
    "key_period": cm.KeyPeriod,
    "lead_unit": Unit,
    "organiser": Unit,
    "resource": dm.EmergencyResource,
    "responsible_unit": Unit,
    "roster": dm.DutyRoster,
    "shift": dm.Shift,
    "supervising_unit": Unit,
    "team": dm.RescueTeam,
    "unit": Unit,
}


def a_record(model, given):
    """Three times in four a record of the world (chosen by the generated value), else
    the generated value (mostly an id that does not exist)."""
    choice = zlib.crc32(str(given).encode())
    ids = ids_of(model)
    return ids[choice % len(ids)] if ids and choice % 4 else given


def aim_at_records(case) -> None:
    """Ids of the path and of the body's relations mostly name records of the world, so
    that requests reach the serializers and services, not only the 404 and the 400."""
    model = MODELS.get(case.path.split("/")[3])
    if model is not None and "id" in (case.path_parameters or {}):
        case.path_parameters["id"] = a_record(model, case.path_parameters["id"])
    if isinstance(case.body, dict):
        for name, model in FIELDS.items():
            given = case.body.get(name)
            if isinstance(given, int) and not isinstance(given, bool):
                case.body[name] = a_record(model, given)


def run(case, user) -> None:
    app.user = user
    aim_at_records(case)
    # As Django's test client does: the end of a request must not close the connection
    # that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        case.call_and_validate(checks=CHECKS)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        app.user = None


SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def people(roles):
    office = UnitFactory(name="高新区安委办", membership="office")
    staff = UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    alice = UserFactory(username="alice", unit=UnitFactory(), roles=[Role.DEPARTMENT_HEAD])
    bob = UserFactory(username="bob", unit=UnitFactory(), roles=[Role.DEPARTMENT_HEAD])
    world(staff, alice, bob)
    return staff, alice


@schema.parametrize()
@SETTINGS
def test_api_as_staff(case, people):
    staff, _head = people
    run(case, staff)


@schema.parametrize()
@SETTINGS
def test_api_as_head(case, people):
    _staff, head = people
    run(case, head)
