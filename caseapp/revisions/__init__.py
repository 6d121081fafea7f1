"""Rectification (GDPR Art. 16) of records a worker creates: outcomes, school transitions and
workplace placements are corrected in place, and every earlier state is kept as a revision."""
