"""Start page per role, language choice, health check."""
