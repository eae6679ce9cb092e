"""Password reset by email: a working, single-use link, and the same answer for every address."""

from django.core import mail
from django.urls import reverse

from tests import factories as f
from tests.accounts.conftest import links_in


def _ask(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)


def test_the_emailed_link_sets_a_new_password_once(db, client):
    f.UserFactory(username="ann", email="ann@example.com")

    _ask(client, "ANN@example.com")

    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    (link,) = [p for p in links_in(mail.outbox[0]) if "/password/reset/" in p]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_password, {"new_password1": "brand new pass 7", "new_password2": "brand new pass 7"})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")

    assert client.post(reverse("login"), {"username": "ann", "password": "brand new pass 7"}).status_code == 302
    client.post(reverse("logout"))
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_the_answer_is_the_same_for_known_and_unknown_addresses(db, client):
    f.UserFactory(username="ann", email="ann@example.com")

    known = _ask(client, "ann@example.com")
    unknown = _ask(client, "nobody@example.com")

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert known.content.decode().count("If the address belongs to an account") == 1
    assert unknown.content.decode().count("If the address belongs to an account") == 1
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_the_sign_in_page_links_to_the_reset_and_its_fields_have_labels(db, client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("accounts:password_reset") in page
    assert 'for="id_username"' in page and 'for="id_password"' in page
    reset_page = client.get(reverse("accounts:password_reset")).content.decode()
    assert 'for="id_email"' in reset_page
