"""Login with password and TOTP, server-side login sessions, logout."""
