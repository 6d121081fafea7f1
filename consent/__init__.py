"""On what basis: consent to processing, confidentiality waivers, statutory bases.

Services call ``consent.services.require(...)`` before saving or producing anything about a
participant; it raises ``NoValidBasis`` when no valid basis covers the purpose at that time.
"""
