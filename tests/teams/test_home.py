import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_needs_login(client):
    response = client.get(reverse("teams:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "who", ["consultant", "designer", "assistant", "pm", "gm", "front_desk", "admin_clerk", "budget_clerk"]
)
def test_every_role_sees_its_home_in_chinese(request, login, who):
    user = request.getfixturevalue(who)
    response = login(user).get(reverse("teams:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert user.full_name in html
    assert "未读通知" in html  # "Unread notifications", from the zh-hans catalogue
