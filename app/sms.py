"""Sending SMS: to an HTTP gateway when one is configured, else to a file and the log."""
import json
import logging
import os
import secrets
import urllib.error
import urllib.request

from flask import current_app

from .models import utcnow

log = logging.getLogger("klantenportaal.sms")


class SmsError(Exception):
    """The SMS could not be handed to the provider."""


def masked(number):
    """A phone number fit for the log: the country code and the last two digits only."""
    number = number or ""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


class FileProvider:
    """Writes each message to a .txt file in a folder and logs its text, so that a demo
    user can read the code there; the number is masked in the log (the file has it)."""

    def __init__(self, folder):
        self.folder = folder

    def send(self, to, text):
        """Write the message to <folder>/sms-<time>-<random>.txt."""
        os.makedirs(self.folder, exist_ok=True)
        name = f"sms-{utcnow():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(3)}.txt"
        path = os.path.join(self.folder, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"To: {to}\n\n{text}\n")
        log.info("SMS to %s written to file://%s: %s", masked(to), path, text)


class HttpGateway:
    """POSTs {"to": ..., "text": ...} as JSON to the gateway, with a Bearer token."""

    def __init__(self, url, token=None, timeout=10):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to, text):
        """Hand the message to the gateway; any failure raises SmsError."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url, data=json.dumps({"to": to, "text": text}).encode(), headers=headers,
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:  # HTTPError is a URLError
            log.warning("SMS gateway refused the message to %s: %s", masked(to), exc)
            raise SmsError(str(exc)) from exc
        log.info("SMS to %s handed to the gateway", masked(to))


def provider(app=None):
    """The provider the configuration asks for."""
    cfg = (app or current_app).config
    if cfg.get("SMS_GATEWAY_URL"):
        return HttpGateway(cfg["SMS_GATEWAY_URL"], cfg.get("SMS_GATEWAY_TOKEN"),
                           cfg.get("SMS_GATEWAY_TIMEOUT", 10))
    return FileProvider(cfg.get("SMS_OUTBOX_FOLDER") or cfg["OUTBOX_FOLDER"])


def send(to, text):
    """Send one SMS to an E.164 number; raises SmsError when it could not be sent."""
    provider().send(to, text)
