"""Keys and field-level encryption."""
