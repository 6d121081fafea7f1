"""Administration: staff accounts and units. Never any data about young people."""
