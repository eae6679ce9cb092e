"""Single sign-on against an OpenID Connect provider started in the test (tests/accounts/oidc_provider.py)."""

from urllib.parse import urlparse

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests import factories as f

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

User = get_user_model()
BACKEND = "accounts.oidc.OIDCBackend"


@pytest.fixture
def provider(settings, db):
    with Provider({"sub": "u-1", "email": "Ann@Example.com", "email_verified": True, "given_name": "Ann"}) as running:
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_DISCOVERY_URL = running.discovery_url
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
        yield running


def _single_sign_on(client: Client, next_url: str = "/"):
    """Click the button, let the provider approve, follow it back; the callback's response."""
    start = client.get(reverse("accounts:oidc_authenticate"), {"next": next_url})
    assert start.status_code == 302, start.content
    at_provider = requests.get(start.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_the_sign_in_page_offers_single_sign_on_when_configured(provider, client, settings):
    settings.OIDC_PROVIDER_NAME = "Acme ID"
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Acme ID" in page
    assert reverse("accounts:oidc_authenticate") in page


def test_a_new_person_signs_in_and_gets_an_account_by_email(provider):
    client = Client()

    response = _single_sign_on(client, "/?welcome=1")

    assert response.status_code == 302 and response.url == "/?welcome=1"
    user = User.objects.get(email="ann@example.com")
    assert (user.username, user.first_name, user.has_usable_password()) == ("Ann", "Ann", False)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert provider.requests[:3] == ["GET /.well-known/openid-configuration", "GET /authorize", "POST /token"]
    assert "GET /jwks" in provider.requests and "GET /userinfo" in provider.requests


def test_an_existing_account_is_matched_by_email(provider):
    ann = f.UserFactory(username="ann", email="ann@example.com")
    client = Client()

    _single_sign_on(client)

    assert client.session["_auth_user_id"] == str(ann.pk)
    assert User.objects.filter(email__iexact="ann@example.com").count() == 1


def test_a_token_signed_with_another_key_signs_nobody_in(provider):
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = Client()

    response = _single_sign_on(client)

    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "Single sign-on did not complete" in [str(m) for m in get_messages(response.wsgi_request)][0]
    assert not User.objects.filter(email="ann@example.com").exists()


def test_a_token_issued_to_another_client_signs_nobody_in(provider):
    provider.audience = "another-app"
    client = Client()

    assert _single_sign_on(client).url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_matches_no_account(provider):
    f.UserFactory(username="ann", email="ann@example.com")
    provider.claims["email_verified"] = False
    client = Client()

    assert _single_sign_on(client).url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_replayed_callback_signs_nobody_in(provider):
    client = Client()
    start = client.get(reverse("accounts:oidc_authenticate"))
    back = urlparse(requests.get(start.url, allow_redirects=False, timeout=5).headers["Location"])
    client.get(f"{back.path}?{back.query}")
    client.post(reverse("logout"))

    again = client.get(f"{back.path}?{back.query}")

    assert again.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_is_a_clear_message(settings, db, client):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_TIMEOUT = 2

    response = client.get(reverse("accounts:oidc_authenticate"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "cannot be reached" in response.content.decode()


def test_without_configuration_there_is_no_button_no_route_and_no_backend(db, client, settings):
    assert settings.OIDC_ENABLED is False
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("accounts:oidc_authenticate")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404
