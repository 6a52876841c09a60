"""Default settings; instance/config.py and KLP_* environment variables override them."""
import os

PORT = int(os.environ.get("PORT", "5000"))


class Default:
    # The firm's name, mail sender and upload limits below apply until an admin saves others
    # under Instellingen on the staff side (app/firm.py).
    FIRM_NAME = "Advocatenkantoor Voorbeeld"
    # How clients reach the firm (login page, every mail), likewise until saved there:
    # a phone number, an e-mail address, a website ("www.kantoor.nl"), a postal address
    # (lines separated by "\n") and a welcome text for the login page. None: not shown.
    FIRM_PHONE = None
    FIRM_EMAIL = None
    FIRM_WEBSITE = None
    FIRM_ADDRESS = None
    FIRM_WELCOME_TEXT = None
    # Links in mails are built from this, never from the request's Host header. "localhost"
    # rather than 127.0.0.1: browsers accept passkeys for a host name only.
    PUBLIC_BASE_URL = f"http://localhost:{PORT}"
    SECRET_KEY = None  # create_app() generates and keeps one in instance/ when unset
    # Where to report a security problem with this installation (SECURITY.md): a placeholder
    # that each firm replaces in instance/config.py.
    SECURITY_CONTACT = "security@example.nl"
    DATABASE_URL = None  # None: SQLite file instance/portal.sqlite3
    SQLITE_BUSY_TIMEOUT_MS = 15000

    UPLOAD_FOLDER = None  # None: instance/files (outside the web root)
    # The largest request: a message's attachments (MAX_MESSAGE_FILES_MB) plus its form. It
    # stays the hard bound: the upload limits an admin sets under Instellingen stay below it.
    MAX_CONTENT_LENGTH = 251 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    # Relative paths are joined to app.root_path (the app/ package): see PITFALLS.md 8.
    BABEL_TRANSLATION_DIRECTORIES = "../translations"
    LANGUAGES = ("nl", "en")

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # How many reverse proxies in front of the app to believe (0: none, the headers are
    # ignored). Behind one TLS proxy set 1: client address, https and host then come from
    # its X-Forwarded-For/-Proto/-Host (HSTS, throttling per IP and Flask-WTF's Referer
    # check need them). Never set it higher than the proxies really there: clients could
    # then forge their address.
    TRUSTED_PROXIES = 0
    # Cookies (session and language): HttpOnly and SameSite=Lax always. With an https
    # PUBLIC_BASE_URL they are also Secure and the session cookie is named __Host-session
    # (this host only, path /, https only). Over plain http (make run on 127.0.0.1, a test
    # box on the LAN) browsers refuse Secure and __Host- cookies, so there the session
    # cookie is a plain `session` without Secure: never serve real clients over http.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: secure when PUBLIC_BASE_URL is https
    REMEMBER_COOKIE_DURATION = 0  # no "remember me": no remember cookie is ever set
    # A login session ends after this long without a request, and this long after login.
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12

    INVITE_TOKEN_HOURS = 7 * 24
    PASSWORD_TOKEN_HOURS = 1
    # Failed logins and wrong two-step codes, counted per account and per IP address: the
    # first LOGIN_MAX_FAILURES_* (TWO_STEP_MAX_FAILURES*) are free, then each failure is
    # followed by a pause of THROTTLE_FIRST_WAIT_SECONDS that doubles with every further
    # one up to THROTTLE_MAX_WAIT_SECONDS (HTTP 429 meanwhile). Failures are forgotten
    # after THROTTLE_MEMORY_HOURS, after a success, and (the account's failed logins) when
    # the owner sets a new password through a mailed link.
    LOGIN_MAX_FAILURES_ACCOUNT = 5
    LOGIN_MAX_FAILURES_IP = 20
    THROTTLE_FIRST_WAIT_SECONDS = 60
    THROTTLE_MAX_WAIT_SECONDS = 15 * 60
    THROTTLE_MEMORY_HOURS = 24
    # The window of the simpler throttles (invitation address, password asked again).
    LOGIN_WINDOW_MINUTES = 15
    # Password links: at most this many mails per address an hour (silently: the answer is
    # the same for every address); per IP address ten times as many requests are free,
    # then pauses as above.
    RESET_MAX_PER_HOUR = 3
    # Mijn gegevens: the link that confirms a new e-mail address, sent to that address.
    EMAIL_CHANGE_TOKEN_HOURS = 24
    EMAIL_CHANGE_MAX_PER_HOUR = 3
    # Accounts | Extra accounts: additions (each may send mail 1) per main account a day.
    EXTRA_ACCOUNTS_MAX_PER_DAY = 10

    # The API (/api/v1): calls per key in one minute (429 with Retry-After past it).
    API_CALLS_PER_MINUTE = 600
    # Webhooks: how long one delivery may take, how often it is tried, and whether endpoints
    # on loopback, link-local or private addresses are refused (unless an admin allowed one).
    WEBHOOK_TIMEOUT_SECONDS = 10
    WEBHOOK_MAX_ATTEMPTS = 8
    WEBHOOK_REFUSE_PRIVATE = True

    # Mail: with MAIL_SERVER unset every mail is written to instance/outbox/ as .eml.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Klantenportaal <portaal@example.nl>"
    OUTBOX_FOLDER = None  # None: instance/outbox
    MAIL_SENDER_THREAD = False  # the dev server (make run) turns this on
    MAIL_POLL_SECONDS = 5
    MAIL_MAX_ATTEMPTS = 12
    # Seconds the sender waits for the mail server: at each step (connect, each command),
    # and for the answer to the end of a mail's data, which RFC 5321 (4.5.3.2.6) lets a
    # server take 10 minutes over: leaving earlier would send the mail again. A mail stays
    # claimed against other senders for longer than one delivery can last (app/outbox.py).
    MAIL_TIMEOUT_SECONDS = 60
    MAIL_DATA_END_TIMEOUT_SECONDS = 600
    # New documents, messages and questionnaires within this many minutes share one mail.
    NOTIFY_DELAY_MINUTES = 5
    # Two-step verification (Mijn gegevens). SMS goes to SMS_GATEWAY_URL when set (POST JSON
    # {to, text} with a Bearer token), else to a .txt file in SMS_OUTBOX_FOLDER and the log.
    SMS_GATEWAY_URL = None
    SMS_GATEWAY_TOKEN = None
    SMS_GATEWAY_TIMEOUT = 10
    SMS_OUTBOX_FOLDER = None  # None: the OUTBOX_FOLDER
    SMS_CODE_MINUTES = 10
    SMS_MAX_PER_USER_PER_HOUR = 5
    SMS_MAX_PER_NUMBER_PER_HOUR = 5
    # Each cap counts set-up and login codes apart, so a stranger who types someone else's
    # number in their own set-up never uses up that person's login codes.
    SMS_MAX_PER_USER_PER_DAY = 20
    SMS_MAX_PER_NUMBER_PER_DAY = 20
    # Countries whose mobile numbers may receive codes (toll fraud), until an admin sets
    # others under Instellingen: the Netherlands and the rest of the EU/EEA.
    SMS_COUNTRIES = ("NL", "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
                     "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NO",
                     "PL", "PT", "RO", "SE", "SI", "SK")
    TWO_STEP_MAX_FAILURES = 5  # wrong codes of one account before the pauses start
    TWO_STEP_MAX_FAILURES_IP = 20  # wrong codes from one IP address before the pauses start
    TWO_STEP_PENDING_MINUTES = 10  # time between password and second step
    # Passkeys (WebAuthn): the relying party is PUBLIC_BASE_URL's host, so they work only at
    # that address (a host name, not an IP address). A challenge is single use and valid
    # this long; at most PASSKEY_OPTIONS_PER_MINUTE are handed out per IP address.
    PASSKEY_CHALLENGE_MINUTES = 5
    PASSKEY_OPTIONS_PER_MINUTE = 30
    # Rows per page of the client's lists: dossiers, the document tabs and Berichten.
    PAGE_SIZE = 25
    QUERY_STATS = False  # the benchmarks turn this on (X-Query-Count, Server-Timing)

    # Message attachments (Berichten): limits, shown before upload, and the allowed types
    # (by extension; the content type stored and served is the one named here).
    MAX_FILE_MB = 100
    MAX_MESSAGE_FILES_MB = 250
    # At most this many files on one message (a request of more is refused whole, with
    # the text kept); Werkzeug's MAX_FORM_PARTS stays far above it, so that such a request
    # is still read and answered with that message rather than a bare 413.
    MAX_FILES_PER_MESSAGE = 20
    MAX_FORM_PARTS = 5_000
    # Each client's storage quota (app/quota.py), until an admin sets others: megabytes of
    # files in any 24 hours, and unsent drafts at once.
    UPLOAD_MB_PER_DAY = 1_000
    MAX_OPEN_DRAFTS = 20
    # Requests for documents (Aan te leveren stukken), until an admin sets others: a
    # reminder this many days before the deadline, and after it every so many days (0: no
    # reminder); identity documents are erased this many years after the dossier closed
    # (the Wwft keeps them five years after the business relationship ended).
    REQUEST_REMIND_DAYS_BEFORE = 3
    REQUEST_REMIND_EVERY_DAYS = 7
    IDENTITY_RETENTION_YEARS = 5
    # Ter goedkeuring: the firm's seal (docs/seal.md). A PKCS#12 file (SEAL_PASSWORD its
    # password, None: none), or a PEM key and certificate (SEAL_CHAIN_FILE: the CA
    # certificates above it); a relative path is in instance/. `make run` makes a
    # self-signed demo seal instance/seal.p12. With SEAL_TSA_URL set, each seal gets an
    # RFC 3161 timestamp from that authority.
    SEAL_PKCS12_FILE = "seal.p12"
    SEAL_PASSWORD = None
    SEAL_KEY_FILE = None
    SEAL_CERT_FILE = None
    SEAL_CHAIN_FILE = None
    SEAL_TSA_URL = None
    ALLOWED_UPLOAD_TYPES = {
        ".pdf": "application/pdf",
        ".doc": "application/msword",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".odt": "application/vnd.oasis.opendocument.text",
        ".rtf": "application/rtf",
        ".txt": "text/plain",
        ".xls": "application/vnd.ms-excel",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".ods": "application/vnd.oasis.opendocument.spreadsheet",
        ".csv": "text/csv",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".png": "image/png",
        ".gif": "image/gif",
        ".heic": "image/heic",
        ".tif": "image/tiff",
        ".tiff": "image/tiff",
        ".eml": "message/rfc822",
        ".msg": "application/vnd.ms-outlook",
        ".zip": "application/zip",
    }
    # Every upload's content must fit its extension (app/filecheck.py). A zip container
    # (.zip, .docx, .xlsx, .odt, .ods) is refused as a zip bomb past these, read from its
    # directory without unpacking: members, total unpacked size, and how many times a
    # member of more than 1 MB may be compressed. The ratio also applies to the whole
    # file (past 10 MB unpacked), and archives inside it (a zip of docx files) are looked
    # into to UPLOAD_ZIP_MAX_DEPTH levels, every level counting against the same limits.
    UPLOAD_ZIP_MAX_MEMBERS = 10_000
    UPLOAD_ZIP_MAX_UNPACKED_MB = 2_000  # 20 times the largest file (MAX_FILE_MB)
    UPLOAD_ZIP_MAX_RATIO = 100
    UPLOAD_ZIP_MAX_DEPTH = 3  # a zip of Word files with an Excel sheet in them is 2
    # Optional virus scan of every upload by ClamAV (app/virusscan.py): set CLAMD_SOCKET
    # (e.g. /run/clamav/clamd.ctl) or CLAMD_HOST and CLAMD_PORT. Off when neither is set;
    # when set but clamd cannot answer, uploads are refused, never let through unscanned.
    CLAMD_SOCKET = None
    CLAMD_HOST = None
    CLAMD_PORT = 3310
    CLAMD_TIMEOUT = 60  # seconds per socket operation
    # Resumable uploads (tus, app/resumable.py): one not finished, or finished and never
    # filed, is removed this many hours after its last chunk; a user has at most
    # TUS_MAX_OPEN of them at once; a chunk is written in blocks of TUS_BLOCK_BYTES, small
    # enough that a block is still in the CPU's cache when it is written and hashed (4 MB
    # blocks took a fifth more CPU, and twice the time on a busy machine: bench/upload.py).
    TUS_EXPIRY_HOURS = 24
    TUS_MAX_OPEN = 20
    TUS_BLOCK_BYTES = 256 * 1024
    # Drafts (and their attachments) never sent are removed after this many hours.
    DRAFT_MAX_AGE_HOURS = 24
    # A stored file that no row names (a crash between writing it and committing its row)
    # and a temporary file left over are removed by the hourly cleanup once older than
    # this; younger ones may belong to an upload under way (app/ops/integrity.py).
    ORPHAN_GRACE_MINUTES = 60
    # Downloads handed to nginx (deploy/nginx/klantenportaal.conf, docs/deploy.md): set to
    # the URL prefix of nginx's `internal` location for UPLOAD_FOLDER, e.g. "/_protected/".
    # A download then answers, after its access check and counting, with an empty body and
    # X-Accel-Redirect, and nginx sends the file (Range, slow clients) without holding a
    # worker. None: the app sends the file itself.
    X_ACCEL_REDIRECT = None
