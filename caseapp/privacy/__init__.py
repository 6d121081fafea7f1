"""The privacy officer's work: the audit log searched and exported, access reports, the Art. 15
copy, erasure and restriction decisions, the retention schedule. The log itself is ``audit``."""
