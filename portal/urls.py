from django.urls import path

from portal import views

app_name = "portal"

# The client's page: /p/<token>/… (the token is the key; no login). The staff's actions: /portal/….
urlpatterns = [
    path("p/<str:token>/", views.page, name="page"),
    path("p/<str:token>/todo/", views.todo, name="todo"),
    path("p/<str:token>/privacy/", views.privacy, name="privacy"),
    path("p/<str:token>/photos/<str:photo_token>/", views.photo, name="photo"),
    path("p/<str:token>/phases/<int:phase_pk>/sign-off/", views.sign_off, name="sign_off"),
    path("p/<str:token>/plans/<int:pk>/confirm/", views.plan_confirm, name="plan_confirm"),
    path("p/<str:token>/changes/<int:pk>/", views.change_decide, name="change_decide"),
    path("p/<str:token>/change-orders/<int:pk>/", views.change_order_decide, name="change_order_decide"),
    path("p/<str:token>/visits/<int:pk>/rate/", views.visit_rate, name="visit_rate"),
    path("p/<str:token>/complaints/<int:pk>/rate/", views.complaint_rate, name="complaint_rate"),
    path("p/<str:token>/request/", views.client_request, name="request"),
    path("portal/projects/<int:pk>/issue/", views.link_issue, name="link_issue"),
    path("portal/links/<int:pk>/send/", views.link_send, name="link_send"),
    path("portal/links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
]
