"""Emails and pages that say "sign in to your account" also say how to choose a new password
when it is forgotten (the forgotten-password page's full address)."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template


def forgot_url(app):
    return app.config["PUBLIC_BASE_URL"].rstrip("/") + "/forgot-password"


def test_join_attempt_email_offers_a_new_password(app):
    text = render_template("email/join_attempt_existing_account.txt", name="Ada",
                           link="https://example.org/sign-in")
    assert f"Forgotten your password? Choose a new one here: {forgot_url(app)}" in text


def test_survey_invitation_and_reminder_offer_a_new_password(app):
    survey = SimpleNamespace(title="Parks", closes_at=None, engagement=SimpleNamespace(
        why="We are planning the parks.", level=SimpleNamespace(promise="We will listen")))
    for template in ("survey_invitation", "survey_reminder"):
        text = render_template(f"email/{template}.txt", survey=survey, resident=None,
                               link="L", stop_link="S", account_link="A",
                               unsubscribe_link="U")
        assert "sign in to your panel account: A" in text
        assert f"Forgotten your password? Choose a new one here: {forgot_url(app)}" in text


def test_unsubscribe_page_offers_a_new_password(client):
    page = client.get("/unsubscribe/not-a-real-token").get_data(as_text=True)
    assert "sign in to your account" in page
    assert 'href="/forgot-password">choose a new one</a>' in page
