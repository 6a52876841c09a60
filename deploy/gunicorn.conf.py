"""gunicorn settings of the Klantenportaal behind nginx (deploy/nginx/klantenportaal.conf).

deploy/systemd/klantenportaal.service starts it from the code's folder:
    .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app
Set WEB_CONCURRENCY (in /etc/klantenportaal/environment) to choose the number of workers.
"""
import multiprocessing
import os

# Loopback only: nginx is the one proxy in front (TRUSTED_PROXIES = 1 in deploy/config.py)
# and its `upstream klantenportaal` names this address.
bind = "127.0.0.1:8000"

# Plain sync workers, one request each. nginx reads every upload whole before passing it
# on and buffers every answer, so a slow client never holds a worker. On SQLite several
# workers are fine (WAL, BEGIN IMMEDIATE: app/db.py); on PostgreSQL there may be more.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))

# The longest a request may take: storing, checking and virus-scanning a 250 MB upload.
# nginx's proxy_read_timeout is the same.
timeout = 120
graceful_timeout = 30  # `systemctl reload`/stop: requests under way may finish
# A fresh worker now and then: whatever a long-lived process gathers stays small.
max_requests = 2000
max_requests_jitter = 200

# nginx logs every request; gunicorn logs its own events and the app's errors to stderr,
# which systemd keeps in the journal (journalctl -u klantenportaal).
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "klantenportaal"

# Restarts and reloads go through systemd; no control socket in a home folder.
control_socket_disable = True
# Each worker's heartbeat file on tmpfs: a busy disk never makes a worker look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
