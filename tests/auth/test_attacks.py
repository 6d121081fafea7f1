"""An attacker's view of the login (issue #10 item 6): brute force meets the per-address rate
limit and the per-account lockout together; a planted or copied session cookie gives nothing
after the victim logs in, and nothing after logout."""
from __future__ import annotations

from tests.auth.test_login import actions
from tests.conftest import PASSWORD, totp_now

COOKIE = "caseapp_session"


def test_brute_force_is_locked_out_then_rate_limited(app, make_app, factory, clock):
    """With the production defaults (limit on): guessing one account's password locks it after
    the threshold — the right password is refused too — and the address is throttled."""
    user = factory.user("admin")
    limited = make_app(RATELIMIT_ENABLED=True)
    attacker = limited.test_client()
    guesses = [f"gjetning-nummer-{n:03d}" for n in range(40)] + [PASSWORD]
    statuses, texts = [], []
    for guess in guesses:
        response = attacker.submit("/login", {"username": user.username, "password": guess})
        statuses.append(response.status_code)
        texts.append(response.get_data(as_text=True))
    threshold = app.config["CASEAPP_LOCKOUT_THRESHOLD"]
    assert "login.lockout" in actions(user)
    assert all(status != 302 for status in statuses), "a guess logged in"
    assert "låst" in texts[threshold]  # locked from here on, even before the limiter
    assert 429 in statuses and statuses[-1] == 429 and "For mange forsøk" in texts[-1]
    # The lockout holds for the right password from a fresh address too, until it expires.
    other = make_app().test_client()
    response = other.submit("/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and "låst" in response.text


def test_a_planted_cookie_is_not_logged_in_by_the_victim(factory, make_client, clock):
    """Session fixation: the attacker gets a cookie, plants it in the victim's browser; the
    victim logs in; the attacker's copy is still anonymous."""
    user = factory.user("admin")
    attacker = make_client()
    attacker.get("/login")
    planted = attacker.get_cookie(COOKIE).value
    victim = make_client()
    victim.set_cookie(COOKIE, planted)
    victim.submit("/login", {"username": user.username, "password": PASSWORD})
    half_way = victim.get_cookie(COOKIE).value  # after the password, before the code
    assert victim.submit("/login/code", {"code": totp_now(user, clock)}).status_code == 302
    assert victim.get("/").status_code == 200
    for stolen in (planted, half_way):
        copy = make_client()
        copy.set_cookie(COOKIE, stolen)
        assert copy.get("/").status_code == 302
        assert copy.get("/admin/users").status_code == 302


def test_a_copied_cookie_is_worthless_after_logout_and_on_another_login(factory, make_client,
                                                                        login, clock):
    user = factory.user("admin")
    victim = make_client()
    login(victim, user)
    stolen = victim.get_cookie(COOKIE).value
    thief = make_client()
    thief.set_cookie(COOKIE, stolen)
    assert thief.get("/admin/users").status_code == 200  # a live stolen cookie works ...
    victim.submit("/login/logout", form_page="/")
    assert thief.get("/admin/users").status_code == 302  # ... until the victim logs out
    login(victim, user)  # logging in again does not bring the old session back
    assert thief.get("/admin/users").status_code == 302
