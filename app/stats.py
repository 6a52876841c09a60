"""Opt-in request statistics for the benchmarks: SQL statements and server time per request.

With QUERY_STATS on, every response carries `X-Query-Count` and `Server-Timing: app;dur=ms`.
"""
import time

from flask import g, has_request_context
from sqlalchemy import event


def init_app(app):
    """Count statements on the app's engine and time each request."""
    if not app.config.get("QUERY_STATS"):
        return

    @event.listens_for(app.extensions["db_engine"], "before_cursor_execute")
    def _count(*_args):
        if has_request_context():
            g.query_count = g.get("query_count", 0) + 1

    @app.before_request
    def _start():
        g.started = time.perf_counter()

    @app.after_request
    def _report(response):
        if "started" in g:
            elapsed = (time.perf_counter() - g.started) * 1000
            response.headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
            response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        return response

