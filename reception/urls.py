from django.urls import path

from reception import views, views_cti

app_name = "reception"

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/acknowledge/", views.call_acknowledge, name="call_acknowledge"),
    path("calls/<int:pk>/lead/", views.call_lead, name="call_lead"),
    path("calls/<int:pk>/close/", views.call_forward_close, name="call_forward_close"),
    path("calls/<int:pk>/phone/", views.call_reveal_phone, name="call_reveal_phone"),
    path("lookup/", views.client_lookup, name="client_lookup"),
    # The phone system (CTI): its webhook (token in the URL, no login), the screen-pop, missed calls.
    path("cti/<str:token>/", views_cti.cti_webhook, name="cti_webhook"),
    path("screen-pop/", views_cti.screen_pop, name="screen_pop"),
    path("missed/", views_cti.missed_calls, name="missed_calls"),
    path("missed/<int:pk>/callback/", views_cti.missed_callback, name="missed_callback"),
    path("phone-calls/<int:pk>/phone/", views_cti.phone_call_reveal, name="phone_call_reveal"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/leave/", views.visit_leave, name="visit_leave"),
    path("visits/<int:pk>/lead/", views.visit_lead, name="visit_lead"),
]
