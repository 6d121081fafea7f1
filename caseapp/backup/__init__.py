"""Backups and restore: the database (``caseapp backup`` / ``caseapp restore``) and, separately,
the key store with the key files (``caseapp keys backup`` / ``caseapp keys restore``).

Why separately: a participant's data is sealed with their data key, which lives only in the key
store. Crypto-shredding erases that key in the *current* key store; a database backup restored
later still cannot decrypt the person, as long as no old key-store backup is restored with it.
So database backups may be kept long, key-store backups only briefly (see docs/production.md).
"""
