"""The young people followed (participants): identity, statistics attributes."""
