from django.urls import path

from meetings import training_views, views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/schedule/", views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="meeting_agenda_add"),
    path("meetings/agenda/<int:pk>/delete/", views.agenda_delete, name="meeting_agenda_delete"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/actions/", views.action_item_add, name="meeting_action_add"),
    path("meetings/<int:pk>/chair/", views.meeting_swap_chair, name="meeting_swap_chair"),
    path("meetings/actions/<int:pk>/done/", views.action_item_done, name="action_item_done"),
    path("meetings/actions/<int:pk>/reopen/", views.action_item_reopen, name="action_item_reopen"),
    path("board/", views.board, name="board"),
    path("board/leave/", views.leave_add, name="leave_add"),
    path("training/", training_views.training_list, name="training_list"),
    path("training/new/", training_views.training_edit, name="training_create"),
    path("training/history/", training_views.training_history, name="training_history"),
    path("training/<int:pk>/", training_views.training_detail, name="training_detail"),
    path("training/<int:pk>/edit/", training_views.training_edit, name="training_edit"),
    path("training/<int:pk>/attendance/", training_views.training_attendance, name="training_attendance"),
    path("training/<int:pk>/feedback/", training_views.training_feedback, name="training_feedback"),
]
