from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("import/", views.client_import, name="import"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("lost-report/", views.lost_report, name="lost_report"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("access-log/", views.access_log, name="access_log"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:pk>/receive/", views.archive_receive, name="archive_receive"),
    path("archive/<int:pk>/lend/", views.archive_lend, name="archive_lend"),
    path("archive/loans/<int:pk>/return/", views.archive_return, name="archive_return"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/phone/", views.client_reveal_phone, name="reveal_phone"),
    path("<int:pk>/move/", views.client_move, name="move"),
    path("<int:pk>/lost/", views.client_lost, name="lost"),
    path("<int:pk>/tier/", views.client_tier, name="tier"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/archive/", views.archive_hand_over, name="archive_hand_over"),
    path("<int:pk>/contract/", views.contract_sign, name="contract_sign"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/payments/new/", views.payment_edit, name="payment_add"),
    path("contracts/<int:pk>/payments/<int:payment_pk>/", views.payment_edit, name="payment_edit"),
    path("contracts/<int:pk>/receipts/new/", views.receipt_add, name="receipt_add"),
    path("contracts/<int:pk>/receipts/<int:receipt_pk>/reverse/", views.receipt_reverse, name="receipt_reverse"),
    path("contracts/<int:pk>/receipts/<int:receipt_pk>/scan/", views.receipt_scan, name="receipt_scan"),
    path("contracts/<int:pk>/attachments/", views.contract_attach, name="contract_attach"),
    path("contracts/<int:pk>/attachments/<int:attachment_pk>/", views.contract_attachment, name="contract_attachment"),
]
