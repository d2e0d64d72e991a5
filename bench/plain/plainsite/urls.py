"""The plain project's one view (settings.py): the same "ok" as our bare view."""

from django.http import HttpResponse
from django.urls import path


def plain(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", plain, name="bench_plain")]
