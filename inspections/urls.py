from django.urls import path

from inspections.views import coverage as coverage_views
from inspections.views import enforcement as enforcement_views
from inspections.views import hazards as hazard_views
from inspections.views import inspections as inspection_views
from inspections.views import overview as overview_views
from inspections.views import reports as report_views
from inspections.views import statistics as statistics_views
from inspections.views import tasks as task_views

app_name = "inspections"

urlpatterns = [
    path("", overview_views.index, name="index"),
    path("sw.js", inspection_views.service_worker, name="service-worker"),
    path("checklists/", task_views.checklist_list, name="checklist-list"),
    path("checklists/<int:pk>/", task_views.checklist_detail, name="checklist-detail"),
    path("tasks/", task_views.task_list, name="task-list"),
    path("tasks/new/", task_views.task_create, name="task-create"),
    path("tasks/from-key-period/", task_views.tasks_from_key_period, name="task-from-key-period"),
    path("tasks/<int:pk>/", task_views.task_detail, name="task-detail"),
    path("inspections/", inspection_views.inspection_list, name="inspection-list"),
    path("inspections/new/", inspection_views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", inspection_views.inspection_detail, name="inspection-detail"),
    path(
        "inspections/<int:pk>/hazards/",
        inspection_views.inspection_hazards,
        name="inspection-hazards",
    ),
    path(
        "inspections/<int:pk>/drafts/",
        inspection_views.inspection_drafts,
        name="inspection-drafts",
    ),
    path(
        "drafts/<int:pk>/confirm/",
        inspection_views.hazard_draft_decide,
        {"decision": "confirm"},
        name="hazard-draft-confirm",
    ),
    path(
        "drafts/<int:pk>/discard/",
        inspection_views.hazard_draft_decide,
        {"decision": "discard"},
        name="hazard-draft-discard",
    ),
    path("answers/<int:pk>/hazard/", inspection_views.answer_hazard, name="answer-hazard"),
    path("answer-photos/<int:pk>/", inspection_views.answer_photo_file, name="answer-photo-file"),
    path("answers/<int:pk>/photo/", inspection_views.answer_photo, name="answer-photo"),
    path("hazards/", hazard_views.hazard_list, name="hazard-list"),
    path("hazards/new/", hazard_views.hazard_create, name="hazard-create"),
    path("hazards/export.xlsx", hazard_views.ledger_xlsx, name="ledger-xlsx"),
    path("hazards/export.pdf", hazard_views.ledger_pdf, name="ledger-pdf"),
    path("hazards/<int:pk>/", hazard_views.hazard_detail, name="hazard-detail"),
    path("hazards/<int:pk>/edit/", hazard_views.hazard_edit, name="hazard-edit"),
    path("hazards/<int:pk>/photos/", hazard_views.hazard_photos, name="hazard-photos"),
    path("hazards/<int:pk>/start/", hazard_views.hazard_start, name="hazard-start"),
    path("hazards/<int:pk>/report/", report_views.hazard_report, name="hazard-report"),
    path("hazards/<int:pk>/review/", report_views.hazard_review, name="hazard-review"),
    path("hazards/<int:pk>/supervise/", hazard_views.hazard_supervise, name="hazard-supervise"),
    path(
        "hazards/<int:pk>/change-request/",
        hazard_views.hazard_change_request,
        name="hazard-change-request",
    ),
    path(
        "hazard-changes/<int:pk>/decide/",
        hazard_views.hazard_change_decide,
        name="hazard-change-decide",
    ),
    path("photos/<int:pk>/", hazard_views.hazard_photo, name="hazard-photo"),
    path("evidence/<int:pk>/", report_views.evidence_file, name="evidence-file"),
    path("reports/", report_views.report_list, name="report-list"),
    path("violations/", enforcement_views.violation_list, name="violation-list"),
    path("violations/new/", enforcement_views.violation_create, name="violation-create"),
    path("enforcement/new/", enforcement_views.enforcement_create, name="enforcement-create"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage/cell/", coverage_views.coverage_cell, name="coverage-cell"),
    path("statistics/quarterly.xlsx", statistics_views.quarterly_xlsx, name="quarterly-xlsx"),
    path("statistics/quarterly/file/", statistics_views.quarterly_file, name="quarterly-file"),
    path("import/", inspection_views.import_view, name="import"),
    path(
        "import/template/<slug:kind>.xlsx", inspection_views.import_template, name="import-template"
    ),
]
