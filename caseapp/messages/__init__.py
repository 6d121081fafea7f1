"""Short messages between the young person and their worker in a case (no attachments)."""
