"""Outcomes in one vocabulary, closing a case, and the checkpoints after it."""
