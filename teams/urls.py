from django.urls import path

from teams import views, views_settings, views_two_factor, views_wecom

app_name = "teams"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/failed/", views.failed_deliveries, name="failed_deliveries"),
    path("notifications/failed/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("staff/history/", views.staff_history, name="staff_history"),
    path("staff/<int:pk>/handover/", views.staff_handover, name="staff_handover"),
    # Sign in with WeCom (README "WeCom"): both before login; the deputy GM confirms first sign-ins by mobile.
    path("wecom/login/", views_wecom.wecom_login, name="wecom_login"),
    path("wecom/callback/", views_wecom.wecom_callback, name="wecom_callback"),
    path("staff/wecom-links/", views_wecom.wecom_links, name="wecom_links"),
    path("staff/wecom-links/<int:pk>/confirm/", views_wecom.wecom_link_confirm_view, name="wecom_link_confirm"),
    path("staff/wecom-links/<int:pk>/refuse/", views_wecom.wecom_link_refuse_view, name="wecom_link_refuse"),
    path("team/settings/", views_settings.team_settings_index, name="team_settings_index"),
    path("team/<int:pk>/settings/", views_settings.team_settings, name="team_settings"),
    path("team/<int:pk>/settings/robot-test/", views_settings.team_robot_test, name="team_robot_test"),
    path("account/security/", views_two_factor.security, name="security"),
    path("account/two-factor/enrol/", views_two_factor.enrol, name="two_factor_enrol"),
    path("account/two-factor/verify/", views_two_factor.verify, name="two_factor_verify"),
    path("account/two-factor/recovery-codes/", views_two_factor.recovery_codes, name="two_factor_codes"),
    path("jobs/approvals/", views.export_approvals, name="export_approvals"),
    path("jobs/<int:pk>/approve/", views.job_approve, name="job_approve"),
    path("jobs/<int:pk>/refuse/", views.job_refuse, name="job_refuse"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
