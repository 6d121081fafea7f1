"""Transitions between schools and workplace placements (overganger og arbeidspraksis)."""
