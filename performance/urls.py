"""Target cards, appraisals, team targets, dashboards and the monthly report."""

from django.urls import path

from performance import views

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<slug:key>/", views.drill, name="drill"),
    path("receivables/", views.receivables, name="receivables"),
    path("receivables/export/", views.receivables_export, name="receivables_export"),
    path("cards/", views.card_list, name="card_list"),
    path("cards/<int:pk>/", views.card_detail, name="card_detail"),
    path("cards/<int:pk>/targets/", views.card_targets, name="card_targets"),
    path("cards/<int:pk>/confirm/", views.card_confirm, name="card_confirm"),
    path("cards/<int:pk>/self-assess/", views.card_self_assess, name="card_self_assess"),
    path("cards/<int:pk>/review/", views.card_review, name="card_review"),
    path("cards/<int:pk>/approve/", views.card_approve, name="card_approve"),
    path("cards/<int:pk>/return/", views.card_return, name="card_return"),
    path("cards/<int:pk>/reopen/", views.card_reopen, name="card_reopen"),
    path("team-targets/", views.team_targets, name="team_targets"),
    path("highlights/", views.highlights, name="highlights"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/preview/", views.report_preview, name="report_preview"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/narrative/", views.report_narrative, name="report_narrative"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("reports/<int:pk>/file/<slug:kind>/", views.report_file, name="report_file"),
    path("reports/<int:pk>/photos/", views.report_photo_add, name="report_photo_add"),
    path("reports/<int:pk>/photos/<int:photo_pk>/", views.report_photo, name="report_photo"),
]
