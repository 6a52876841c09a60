"""Helpers of the two-step tests: the SMS that the file provider wrote, TOTP codes made with
pyotp as an authenticator app would, users with a method already on, and staff logged in
with their second step."""
import glob
import os
import re
import time

import pyotp
from helpers import PASSWORD, login, post_form
from sqlalchemy import update

from app import twostep
from app.models import User

APP_SETUP = "/mijn-gegevens/2-staps-verificatie/app"


def sms_sent(app):
    """Every SMS the default provider wrote to the outbox folder, oldest first: (to, text)."""
    folder = app.config.get("SMS_OUTBOX_FOLDER") or app.config["OUTBOX_FOLDER"]
    messages = []
    for path in sorted(glob.glob(os.path.join(folder, "sms-*.txt"))):
        with open(path, encoding="utf-8") as f:
            head, _, body = f.read().partition("\n\n")
        messages.append((head.removeprefix("To: "), body.strip()))
    return messages


def code_in(text):
    """The 6-digit code in an SMS text."""
    return re.search(r"\b\d{6}\b", text)[0]


def last_sms_code(app):
    """The code of the newest SMS."""
    return code_in(sms_sent(app)[-1][1])


def totp_code(secret, steps_ahead=0):
    """The code an authenticator app shows now (or `steps_ahead` periods of 30 s later)."""
    return pyotp.TOTP(secret).at(time.time() + twostep.TOTP_STEP * steps_ahead)


def fresh_code(session, user):
    """The app's code now, as if the last one was used half a minute ago (a code of a time
    step used before is refused: PITFALLS.md 3), for a walk that gives several codes."""
    session.execute(update(User).where(User.id == user.id).values(totp_last_step=0))
    session.commit()
    return totp_code(user.totp_secret)


def with_app(session, user):
    """Turn the authenticator app on for `user`; returns the secret."""
    user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
    session.commit()
    return user.totp_secret


def with_sms(session, user, phone="+31612345678"):
    """Turn SMS on for `user`."""
    user.sms_phone, user.sms_enabled = phone, True
    session.commit()


def secret_on(page):
    """The authenticator secret that a set-up page shows, without its spaces."""
    return re.search(r'id="totp-secret">([^<]+)<', page.get_data(as_text=True))[1].replace(
        " ", "")


def start_app_setup(client):
    """Give the password to set up the authenticator app; returns the secret shown."""
    response = post_form(client, APP_SETUP, {"password": PASSWORD})
    assert response.status_code == 302 and response.location == APP_SETUP, response.status
    return secret_on(client.get(APP_SETUP))


def login_staff(client, session, user):
    """Log `user` in with password and authenticator code; returns the final response."""
    secret = user.totp_secret or with_app(session, user)
    response = login(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = post_form(client, "/inloggen/verificatie/app", {"code": totp_code(secret)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
