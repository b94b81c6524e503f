from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.index, name="index"),
    path("checklists/", views.checklist_list, name="checklist-list"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist-detail"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/from-key-period/", views.tasks_from_key_period, name="task-from-key-period"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/hazards/", views.inspection_hazards, name="inspection-hazards"),
    path("answers/<int:pk>/hazard/", views.answer_hazard, name="answer-hazard"),
    path("answers/<int:pk>/photo/", views.answer_photo, name="answer-photo"),
    path("hazards/", views.hazard_list, name="hazard-list"),
    path("hazards/new/", views.hazard_create, name="hazard-create"),
    path("hazards/export.xlsx", views.ledger_xlsx, name="ledger-xlsx"),
    path("hazards/export.pdf", views.ledger_pdf, name="ledger-pdf"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("hazards/<int:pk>/edit/", views.hazard_edit, name="hazard-edit"),
    path("hazards/<int:pk>/photos/", views.hazard_photos, name="hazard-photos"),
    path("hazards/<int:pk>/start/", views.hazard_start, name="hazard-start"),
    path("hazards/<int:pk>/report/", views.hazard_report, name="hazard-report"),
    path("hazards/<int:pk>/review/", views.hazard_review, name="hazard-review"),
    path("hazards/<int:pk>/supervise/", views.hazard_supervise, name="hazard-supervise"),
    path(
        "hazards/<int:pk>/change-request/",
        views.hazard_change_request,
        name="hazard-change-request",
    ),
    path(
        "hazard-changes/<int:pk>/decide/", views.hazard_change_decide, name="hazard-change-decide"
    ),
    path("photos/<int:pk>/", views.hazard_photo, name="hazard-photo"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("reports/", views.report_list, name="report-list"),
    path("violations/", views.violation_list, name="violation-list"),
    path("violations/new/", views.violation_create, name="violation-create"),
    path("enforcement/new/", views.enforcement_create, name="enforcement-create"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/quarterly.xlsx", views.quarterly_xlsx, name="quarterly-xlsx"),
    path("statistics/quarterly/file/", views.quarterly_file, name="quarterly-file"),
    path("import/", views.import_view, name="import"),
    path("import/template/<slug:kind>.xlsx", views.import_template, name="import-template"),
]
