"""The synthetic demo dataset (Kristiansand). Nothing in it belongs to a real person."""
