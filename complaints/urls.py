from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("register/", views.complaint_register, name="register"),
    path("register/projects/", views.project_options, name="project_options"),
    path("register/open/", views.open_for_client, name="open_for_client"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit, name="edit"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/comment/", views.complaint_comment, name="comment"),
    path("<int:pk>/attach/", views.complaint_attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/phone/", views.complaint_reveal_phone, name="reveal_phone"),
    path("<int:pk>/merge/", views.complaint_merge, name="merge"),
    path("<int:pk>/<slug:action>/", views.complaint_transition, name="transition"),
    path("summary/", views.weekly_summary, name="weekly_summary"),
    path("summary/<int:pk>/", views.weekly_summary_detail, name="weekly_summary_detail"),
]
