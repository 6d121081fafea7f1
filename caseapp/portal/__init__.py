"""The young person's own pages (/meg), reached only by signing in through the citizen
provider (ID-porten or similar): a separate kind of login session with its own cookie.

How to add a page (issue #17):

- Put the routes in the page's own module, on the one blueprint: ``from
  caseapp.portal.blueprint import bp`` in ``plan_views.py``, ``meetings_views.py``,
  ``consent_views.py``, ``access_views.py`` or ``messages_views.py`` (``views.py`` imports them
  all; add a new module there once). Mark every view ``@young_person`` (roles.guards).
- The guard loads the signed-in person: ``me.current()`` (``caseapp.portal.me``) gives
  ``.participant``, ``.cases`` (theirs only, active first) and ``.case`` (the current one; its
  ``unit.organisation`` and ``worker`` are the current ones after a handover). A person with
  nothing to show, restricted or erased gets the neutral page before the view runs.
- Load any object by id with ``me.own(Model, object_id)``: 404 unless it is theirs
  (``roles.own``: its ``participant_id`` or ``case.participant_id``), audited.
- Every page shown (GET, 200) is audited as ``portal.view`` with the young person as actor
  (``audit.models.PARTICIPANT_ACTOR`` in ``actor_roles``, ``actor_id`` empty, ``subject_id`` the
  person); call ``me.seen(object_type, object_id, categories)`` to say what the page showed.
  For actions, ``audit.record(action, actor=me.current().participant, ...)``.
  ``caseapp.privacy.report.lines_for(session, id, include_own=True)`` also lists these events.
- The menu (``blueprint.NAV``) already names ``portal.plan``, ``portal.meetings``,
  ``portal.consents``, ``portal.access`` and ``portal.messages``: an entry appears once a view
  with that endpoint exists. Templates extend ``portal/base.html``.
- Tests: tests/portal/conftest.py (``young``, ``other_young``, ``portal_login``,
  ``portal_client``, ``portal_page`` for Chromium through the real provider);
  tests/portal/test_need_to_know.py sweeps every /meg rule as another person.
"""
