"""Break-glass: opening a case outside one's need-to-know, with a written reason, for a limited
time, flagged in the audit log and reviewed by the privacy officer."""
