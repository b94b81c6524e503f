import pytest


@pytest.mark.django_db
def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_head_their_unit(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "应急管理局" in response.content.decode()
