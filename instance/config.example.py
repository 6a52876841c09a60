# Copy to instance/config.py and adjust. Every setting can also be given as an
# environment variable with the prefix KLP_, e.g. KLP_DATABASE_URL=...
# All settings and their defaults: app/config.py.

# The firm's name, shown in the header, on the login page and in every mail.
FIRM_NAME = "Advocatenkantoor Voorbeeld"
# How clients reach the firm: on the login page and at the bottom of every mail (an admin
# can set these under Instellingen too; what is saved there wins).
# FIRM_PHONE = "020 123 4567"
# FIRM_EMAIL = "info@kantoor.example.nl"
# FIRM_WEBSITE = "www.kantoor.example.nl"
# FIRM_ADDRESS = "Keizersgracht 123\n1015 CJ Amsterdam"

# Where people report a security problem with this portal (see SECURITY.md).
SECURITY_CONTACT = "security@portaal.example.nl"

# The address clients use; links in mails are built from it. https:// turns on
# secure cookies (with the __Host- prefix) and HSTS.
PUBLIC_BASE_URL = "https://portaal.example.nl"

# Behind a TLS proxy: how many proxies in front of the app set X-Forwarded-For/-Proto/-Host
# (0 ignores those headers; then the client address is the proxy's).
# TRUSTED_PROXIES = 1

# SMS for two-step verification: without a gateway texts are only written to files.
# SMS_GATEWAY_URL = "https://sms.example.nl/api/send"
# SMS_GATEWAY_TOKEN = "..."

# Optional virus scan of every upload with ClamAV's clamd (refused when unreachable).
# CLAMD_SOCKET = "/run/clamav/clamd.ctl"

# Leave unset for SQLite in instance/portal.sqlite3, or use PostgreSQL (psycopg 3):
# DATABASE_URL = "postgresql+psycopg://portal:secret@127.0.0.1:5432/portal"

# Mail: with MAIL_SERVER unset every mail is written to instance/outbox/ as .eml.
# MAIL_SERVER = "smtp.example.nl"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "portaal@example.nl"
# MAIL_PASSWORD = "..."
# MAIL_DEFAULT_SENDER = "Klantenportaal <portaal@example.nl>"

# A random secret is made in instance/secret_key on first start; set one here to share
# it between several servers.
# SECRET_KEY = "..."
