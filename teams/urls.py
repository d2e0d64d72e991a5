from django.urls import path

from teams import views
from teams.meetings import training_views
from teams.meetings import views as meeting_views

app_name = "teams"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/failed/", views.failed_deliveries, name="failed_deliveries"),
    path("notifications/failed/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    # Team life: daily meetings, the team board, training.
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/schedule/", meeting_views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", meeting_views.agenda_add, name="meeting_agenda_add"),
    path("meetings/agenda/<int:pk>/delete/", meeting_views.agenda_delete, name="meeting_agenda_delete"),
    path("meetings/<int:pk>/attendance/", meeting_views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/actions/", meeting_views.action_item_add, name="meeting_action_add"),
    path("meetings/<int:pk>/chair/", meeting_views.meeting_swap_chair, name="meeting_swap_chair"),
    path("meetings/actions/<int:pk>/done/", meeting_views.action_item_done, name="action_item_done"),
    path("meetings/actions/<int:pk>/reopen/", meeting_views.action_item_reopen, name="action_item_reopen"),
    path("board/", meeting_views.board, name="board"),
    path("board/leave/", meeting_views.leave_add, name="leave_add"),
    path("training/", training_views.training_list, name="training_list"),
    path("training/new/", training_views.training_edit, name="training_create"),
    path("training/history/", training_views.training_history, name="training_history"),
    path("training/<int:pk>/", training_views.training_detail, name="training_detail"),
    path("training/<int:pk>/edit/", training_views.training_edit, name="training_edit"),
    path("training/<int:pk>/attendance/", training_views.training_attendance, name="training_attendance"),
    path("training/<int:pk>/feedback/", training_views.training_feedback, name="training_feedback"),
]
