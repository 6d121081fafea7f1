"""On what basis: consent to processing, confidentiality waivers, statutory bases.

Services call ``consent.services.require(...)`` before saving or producing anything about a
participant; it raises ``NoValidBasis`` when no valid basis covers the purpose at that time.

The rule without a valid basis for follow-up (never given, expired or withdrawn):

* **Nothing new is recorded about the person**: no registration or new case, no contact
  details, sessions, plan versions, transitions, placements (nor their corrections or end),
  outcomes (nor corrections), checkpoint answers; no resuming a paused case; no handover or
  reassignment (each would show the case to someone new). Each is refused with the reason and
  nothing saved (``caseapp.editing.require_follow_up``).
* **What ends or reduces the processing stays possible, and is audited like any change**:
  pausing a case, closing it (with the end date and reason only: no new outcome is recorded
  and no checkpoints are created, since there is no follow-up after it), deleting a session
  (soft: kept in its history), withdrawing further consents, and the privacy officer's
  restriction and erasure.
"""
