"""API tokens can be revoked, by their owner or by an account administrator, and a revoked,
deleted or deactivated account's token gets a 401 on the very next request."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.users import user_token_revoke

from ..factories import member

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def token_client(user) -> tuple[APIClient, Token]:
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api, token


def history_reasons(user):
    return list(user.history.values_list("history_change_reason", flat=True))


def test_a_user_revokes_their_own_token_and_it_is_refused_at_once(english, county_inspector):
    api, _token = token_client(county_inspector)
    assert api.get(ME).status_code == 200
    assert api.delete("/api/v1/me/token/").status_code == 204
    assert api.get(ME).status_code == 401
    assert not Token.objects.filter(user=county_inspector).exists()
    assert "API token revoked" in history_reasons(county_inspector)


def test_an_administrator_revokes_an_accounts_token_through_the_api(english, county_inspector):
    admin = member("320100", AgencyKind.FSO, Role.ADMIN)
    hotline, _token = token_client(county_inspector)
    admin_api = APIClient()
    admin_api.force_authenticate(admin)
    response = admin_api.post(f"/api/v1/users/{county_inspector.pk}/revoke-token/")
    assert response.status_code == 200 and response.json() == {"revoked": True}
    assert hotline.get(ME).status_code == 401
    again = admin_api.post(f"/api/v1/users/{county_inspector.pk}/revoke-token/")
    assert again.json() == {"revoked": False}


def test_an_administrator_revokes_a_token_from_the_account_page(client, english, county_inspector):
    admin = member("320100", AgencyKind.FSO, Role.ADMIN)
    api, _token = token_client(county_inspector)
    client.force_login(admin)
    page = client.get(reverse("user_edit", args=[county_inspector.pk])).content.decode()
    assert reverse("user_token_revoke", args=[county_inspector.pk]) in page
    response = client.post(reverse("user_token_revoke", args=[county_inspector.pk]), follow=True)
    assert f"API token of {county_inspector.username} revoked." in response.content.decode()
    assert api.get(ME).status_code == 401
    assert history_reasons(county_inspector)[0] == "API token revoked"


def test_revoking_is_a_post_only_action(client, county_inspector):
    admin = member("320100", AgencyKind.FSO, Role.ADMIN)
    Token.objects.create(user=county_inspector)
    client.force_login(admin)
    assert client.get(reverse("user_token_revoke", args=[county_inspector.pk])).status_code == 405
    assert Token.objects.filter(user=county_inspector).exists()


def test_another_jurisdictions_administrator_cannot_revoke(county_inspector):
    outsider = member("320200", AgencyKind.FSO, Role.ADMIN)
    Token.objects.create(user=county_inspector)
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.post(f"/api/v1/users/{county_inspector.pk}/revoke-token/").status_code == 404
    assert Token.objects.filter(user=county_inspector).exists()


def test_a_non_administrator_cannot_revoke_someone_elses_token(county_inspector):
    colleague = member("320115", AgencyKind.QTS, Role.REVIEWER)
    Token.objects.create(user=county_inspector)
    with pytest.raises(Exception) as refused:
        user_token_revoke(actor=colleague, user=county_inspector)
    assert type(refused.value).__name__ == "PermissionDenied"
    assert Token.objects.filter(user=county_inspector).exists()


def test_a_deleted_token_is_refused_at_once(county_inspector):
    api, token = token_client(county_inspector)
    assert api.get(ME).status_code == 200
    token.delete()  # as the back office's token admin does
    assert api.get(ME).status_code == 401


def test_a_deactivated_accounts_token_is_refused(county_inspector):
    api, _token = token_client(county_inspector)
    county_inspector.is_active = False
    county_inspector.save()
    assert api.get(ME).status_code == 401


@pytest.mark.parametrize("authorization", ["Token ", "Token a b", "Token " + "0" * 40, "Bearer x", "Token \x00"])
def test_a_malformed_or_unknown_token_is_a_401_not_a_500(authorization):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=authorization)
    assert api.get(ME).status_code == 401
