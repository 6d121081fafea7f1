"""Follow-up plans (oppfølgingsplaner): goals and measures, every saved version kept."""
