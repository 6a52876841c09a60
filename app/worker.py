"""The background loop (`send-mail --loop`, the dev server's thread): each round runs the
jobs below, then waits MAIL_POLL_SECONDS or until a mail is committed."""
import logging
import threading

from sqlalchemy import event
from sqlmodel import Session

from . import doc_requests, notifications, outbox, webhooks
from .api import idempotency
from .messages import cleanup

log = logging.getLogger("klantenportaal.mail")
_wake_events = set()  # one per running loop, set when a mail is committed


def jobs():
    """One round's jobs, in order: the due notification mails are queued before the outbox
    is delivered; stale drafts, reminders of requests for documents and the erasure of
    identity documents at most once an hour. Looked up each round."""
    return (doc_requests.run_if_due, notifications.send_due, outbox.deliver_pending,
            webhooks.deliver_due, cleanup.cleanup_if_due, idempotency.purge_if_due)


class SenderThread(threading.Thread):
    """Runs the jobs round after round until stop() is called."""

    def __init__(self, app):
        super().__init__(name="mail-sender", daemon=True)
        self.app = app
        self.wake = threading.Event()
        self.stopping = False

    def run(self):
        try:
            while not self.stopping:
                self.wake.clear()  # a commit during this round starts the next one at once
                for job in jobs():
                    try:
                        job(self.app)
                    except Exception:  # keep the thread alive; the mails stay queued
                        log.exception("mail sender")
                if not self.stopping:
                    self.wake.wait(self.app.config["MAIL_POLL_SECONDS"])
        finally:
            _wake_events.discard(self.wake)

    def stop(self, timeout=10):
        """Let the current round finish and end the thread."""
        self.stopping = True
        self.wake.set()
        self.join(timeout)


def start_sender_thread(app):
    """Run the loop in the background of this process, woken when a mail is committed."""
    thread = SenderThread(app)
    _wake_events.add(thread.wake)  # before start, so no commit in between goes unnoticed
    thread.start()
    return thread


@event.listens_for(Session, "after_commit")
def _after_commit(db):
    if db.info.pop("mail_queued", False):  # set by outbox.queue_mail
        for wake in list(_wake_events):
            wake.set()


def init_app(app):
    """Start the loop's thread when the configuration asks for it (the dev server)."""
    if app.config.get("MAIL_SENDER_THREAD"):
        start_sender_thread(app)
