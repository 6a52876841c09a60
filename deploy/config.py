# Production settings for the set-up of docs/deploy.md (nginx in front of gunicorn).
# Copy to /srv/klantenportaal/instance/config.py and adjust; every setting and its default
# is in app/config.py, and instance/config.example.py explains the optional ones.
# Any setting can also come from the environment as KLP_<NAME> (for instance from
# /etc/klantenportaal/environment, read by the systemd units); those win over this file.

# Never on in production: Werkzeug's debugger runs any code a visitor types.
DEBUG = False
TESTING = False

# The firm's name until an admin saves one under Instellingen.
FIRM_NAME = "Advocatenkantoor Voorbeeld"
# Where people report a security problem with this portal (SECURITY.md).
SECURITY_CONTACT = "security@portaal.example.nl"

# The address clients use. https:// makes the cookies Secure (__Host-session) and turns on
# HSTS; links in mails are built from it, never from a request.
PUBLIC_BASE_URL = "https://portaal.example.nl"

# Exactly one proxy in front: nginx on this machine. The app believes one hop of its
# X-Forwarded-For/-Proto/-Host (client address for throttling, https, host).
TRUSTED_PROXIES = 1

# The secret key: leave unset and the app makes one in instance/secret_key on first start
# (`flask --app wsgi db upgrade` during installation does). Several servers must share
# one: then give the same KLP_SECRET_KEY to each in /etc/klantenportaal/environment.
# SECRET_KEY = "..."

# Uploaded and published files, outside the code and the web root. nginx sends downloads
# from here itself (deploy/nginx/klantenportaal.conf, location /_protected/); set
# X_ACCEL_REDIRECT = None to have the app send them instead.
UPLOAD_FOLDER = "/var/lib/klantenportaal/files"
X_ACCEL_REDIRECT = "/_protected/"

# SQLite in instance/portal.sqlite3 when unset: fine for a small firm on one machine.
# PostgreSQL (psycopg 3) for more workers or servers; docs/deploy.md tells how to move.
# DATABASE_URL = "postgresql+psycopg://klantenportaal@/klantenportaal"

# Mail. Without MAIL_SERVER every mail is only written to instance/outbox/ as .eml.
MAIL_SERVER = "smtp.example.nl"
MAIL_PORT = 587
MAIL_USE_TLS = True
MAIL_USERNAME = "portaal@example.nl"
# MAIL_PASSWORD: better as KLP_MAIL_PASSWORD in /etc/klantenportaal/environment.
MAIL_DEFAULT_SENDER = "Klantenportaal <portaal@example.nl>"

# SMS for two-step verification; without a gateway texts are only written to files.
# SMS_GATEWAY_URL = "https://sms.example.nl/api/send"
# SMS_GATEWAY_TOKEN = "..."

# Optional virus scan of every upload with ClamAV's clamd (apt-get install clamav-daemon).
# CLAMD_SOCKET = "/run/clamav/clamd.ctl"
