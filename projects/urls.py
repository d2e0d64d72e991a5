from django.urls import path

from projects.views import budget, crews, money, projects, records, schedule

app_name = "projects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("export/", projects.project_export, name="export"),
    path("new/", projects.project_create, name="create"),
    path("<int:pk>/", projects.project_detail, name="detail"),
    path("<int:pk>/tabs/<slug:tab>/", projects.project_tab, name="detail_tab"),
    path("<int:pk>/schedule/", projects.project_schedule, name="schedule"),
    path("<int:pk>/edit/", projects.project_edit, name="edit"),
    path("<int:pk>/advance/", projects.project_advance, name="advance"),
    path("<int:pk>/construction-plan/", projects.construction_plan_edit, name="construction_plan"),
    path("<int:pk>/schedule/template/", projects.schedule_template, name="schedule_template"),
    path("<int:pk>/schedule/<int:phase_pk>/", projects.phase_edit, name="phase_edit"),
    path("<int:pk>/schedule/add/", schedule.phase_add, name="phase_add"),
    path("<int:pk>/schedule/<int:phase_pk>/remove/", schedule.phase_remove, name="phase_remove"),
    # Design
    path("<int:pk>/plans/new/", records.plan_add, name="plan_add"),
    path("<int:pk>/plans/<int:plan_pk>/submit/", records.plan_submit, name="plan_submit"),
    path("<int:pk>/plans/<int:plan_pk>/answer/", records.plan_answer, name="plan_answer"),
    path("<int:pk>/consultations/new/", records.consultation_add, name="consultation_add"),
    path("<int:pk>/drawings/new/", records.drawing_add, name="drawing_add"),
    path("<int:pk>/drawings/<int:task_pk>/deliver/", records.drawing_deliver, name="drawing_deliver"),
    path("<int:pk>/drawings/<int:task_pk>/revise/", records.drawing_revise, name="drawing_revise"),
    path("<int:pk>/reviews/new/", records.review_add, name="review_add"),
    path("<int:pk>/reviews/<int:review_pk>/revision/", records.review_revision, name="review_revision"),
    path("<int:pk>/budget/new/", records.budget_add, name="budget_add"),
    path("<int:pk>/disclosures/new/", records.disclosure_add, name="disclosure_add"),
    path("<int:pk>/disclosures/<int:disclosure_pk>/confirm/", records.disclosure_confirm, name="disclosure_confirm"),
    path("<int:pk>/changes/new/", records.change_add, name="change_add"),
    path("<int:pk>/changes/<int:change_pk>/decide/", records.change_decide, name="change_decide"),
    # Construction
    path("<int:pk>/logs/new/", records.site_log_add, name="site_log_add"),
    path("<int:pk>/logs/<int:log_pk>/", records.site_log_edit, name="site_log_edit"),
    path("<int:pk>/inspections/new/", records.inspection_add, name="inspection_add"),
    path("<int:pk>/evaluations/new/", records.evaluation_add, name="evaluation_add"),
    path("<int:pk>/completion/new/", records.completion_add, name="completion_add"),
    path("<int:pk>/completion/hand-over/", records.completion_hand_over, name="completion_hand_over"),
    path("<int:pk>/maintenance/new/", records.maintenance_add, name="maintenance_add"),
    path("<int:pk>/maintenance/<int:request_pk>/done/", records.maintenance_done, name="maintenance_done"),
    path("<int:pk>/maintenance/<int:request_pk>/confirm/", records.maintenance_confirm, name="maintenance_confirm"),
    # Contract money
    path("<int:pk>/money/", money.money, name="money"),
    path("<int:pk>/money/stages/<int:stage_pk>/phase/", money.stage_phase, name="stage_phase"),
    path("<int:pk>/change-orders/new/", money.change_order_add, name="change_order_add"),
    path("<int:pk>/change-orders/<int:order_pk>/", money.change_order_detail, name="change_order_detail"),
    path("<int:pk>/change-orders/<int:order_pk>/edit/", money.change_order_edit, name="change_order_edit"),
    path(
        "<int:pk>/change-orders/<int:order_pk>/approve/",
        money.change_order_decide,
        {"decision": "approve"},
        name="change_order_approve",
    ),
    path(
        "<int:pk>/change-orders/<int:order_pk>/reject/",
        money.change_order_decide,
        {"decision": "reject"},
        name="change_order_reject",
    ),
    path("<int:pk>/change-orders/<int:order_pk>/scan/", money.change_order_scan, name="change_order_scan"),
    # Files, crews, budget
    path("files/<str:token>/", projects.attachment, name="file"),
    path("files/<str:token>/client-visible/", projects.attachment_client_visible, name="file_client_visible"),
    path("crews/", crews.crew_list, name="crew_list"),
    path("crews/new/", crews.crew_add, name="crew_add"),
    path("crews/<int:pk>/", crews.crew_detail, name="crew_detail"),
    path("crews/<int:pk>/edit/", crews.crew_edit, name="crew_edit"),
    path("budget/", budget.budget_list, name="budget_list"),
    path("budget/<int:pk>/return/", budget.budget_return, name="budget_return"),
]
