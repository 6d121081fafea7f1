# Copy to instance/config.py and change what you need. Every setting can also be given in the
# environment with the CASEAPP_ prefix (CASEAPP_IDLE_TIMEOUT_MINUTES=30); DATABASE_URL selects
# PostgreSQL. Unknown names stop the app, so a typo is noticed at once. Keys are not set here:
# they live in instance/keys/ (see README.md).

# The organisation shown in the header and on documents.
CASEAPP_ORGANISATION_NAME = "Kristiansand kommune"

# Login sessions: idle and absolute timeouts.
CASEAPP_IDLE_TIMEOUT_MINUTES = 20
CASEAPP_ABSOLUTE_TIMEOUT_HOURS = 12

# Lockout after repeated failed logins (per account), and the rate limit per IP address.
CASEAPP_LOCKOUT_THRESHOLD = 5
CASEAPP_LOCKOUT_MINUTES = 15
CASEAPP_LOGIN_RATE_LIMIT = "30 per minute"

# Shared rate-limit storage when running several servers, e.g. "redis://127.0.0.1:6379/0".
RATELIMIT_STORAGE_URI = "memory://"

# Secure cookies stay on in production (behind HTTPS).
SESSION_COOKIE_SECURE = True

# The privacy officer's flags: access outside working hours (local time, Monday–Friday) and
# bulk access (one user opening more than N persons within M minutes).
CASEAPP_AUDIT_WORKDAY_START_HOUR = 7
CASEAPP_AUDIT_WORKDAY_END_HOUR = 18
CASEAPP_AUDIT_BULK_PERSONS = 20
CASEAPP_AUDIT_BULK_MINUTES = 10

# Break-glass: how long emergency access to a case outside one's caseload lasts.
CASEAPP_BREAK_GLASS_MINUTES = 60

# Coordinator dashboard: a worker with more active cases than this is flagged (a work leader
# follows about 20 people a year); cases with no session for more than N days are counted.
CASEAPP_CASELOAD_MAX_WORK_LEADER = 20
CASEAPP_CASELOAD_MAX_YOUTH_MENTOR = 16
CASEAPP_NO_CONTACT_DAYS = 14

# Sign-in with the organisation's identity provider and ID-porten (README "Signing in"):
# CASEAPP_OIDC_PROVIDERS = {
#     "staff": {"issuer": "https://login.microsoftonline.com/<tenant-id>/v2.0",
#               "client_id": "…", "client_secret": "…", "subject_claim": "oid"},
#     "citizen": {"issuer": "https://test.idporten.no", "client_id": "…",
#                 "private_key_file": "/etc/caseapp/idporten.jwk"},
# }

# E-mail digests (docs/jobs.md): no host, no mail. Through the municipality's relay, whose
# certificate comes from its internal CA, name that CA's PEM file (default: the system's CAs):
# CASEAPP_SMTP_HOST = "smtp.kommune.example"
# CASEAPP_SMTP_PORT = 587
# CASEAPP_SMTP_SECURITY = "starttls"
# CASEAPP_SMTP_CA_FILE = "/etc/caseapp/kommune-ca.pem"
# CASEAPP_MAIL_SENDER = "caseapp@kommune.example"
# CASEAPP_PUBLIC_URL = "https://caseapp.kommune.example"
