import pytest

from caseapp.accounts.services import AccountError, create_user
from caseapp.extensions import db


@pytest.mark.parametrize("password,message", [
    ("kort-pass", "minst 12 tegn"),
    ("passwordpassword", "for vanlig"),
    ("123456789012", "for vanlig"),
    ("x" * 129, "høyst 128 tegn"),
])
def test_weak_passwords_are_refused_with_a_reason(app, password, message):
    with pytest.raises(AccountError) as caught:
        create_user(db.session, username="ny.bruker", display_name="Ny Bruker",
                    roles=["admin"], units=[], password=password)
    assert any(message in text for text in caught.value.messages)


def test_password_containing_the_username_is_weak(app):
    with pytest.raises(AccountError):
        create_user(db.session, username="kristoffer.olsen", display_name="Kristoffer Olsen",
                    roles=["admin"], units=[], password="kristoffer.olsen1")


def test_passwords_are_stored_as_argon2id(app, factory):
    user = factory.user("admin")
    assert user.password_hash.startswith("$argon2id$")
