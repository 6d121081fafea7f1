"""Calendar invitations for the next meeting: an RFC 5545 ``.ics`` file for the worker's own
calendar, with no name of the young person in it (the case reference and a link)."""
