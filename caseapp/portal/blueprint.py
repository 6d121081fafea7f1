"""The one ``portal`` blueprint (/meg). Every page module of the young person's pages
(``views``, ``plan_views``, ``meetings_views``, ``consent_views``, ``access_views``,
``messages_views``) adds its routes to this ``bp``; ``caseapp.portal.views`` imports them all."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from caseapp.extensions import db
from caseapp.messages.services import unread_for_participant
from caseapp.portal import me

bp = Blueprint("portal", __name__, url_prefix="/meg")

# The menu of My pages: (endpoint, label). An entry shows only once its endpoint exists, so a
# page module adds its route under this name and the menu finds it.
NAV = (
    ("portal.home", _l("Home")),
    ("portal.plan", _l("My plan")),
    ("portal.meetings", _l("My meetings")),
    ("portal.consents", _l("My consents")),
    ("portal.access", _l("Who has seen my data")),
    ("portal.messages", _l("Messages")),
)


@bp.after_request
def audit_page_view(response):
    """Every page shown to the signed-in young person is audited (``me.record_view``)."""
    return me.record_view(response)


@bp.context_processor
def navigation() -> dict:
    """``portal_nav``: (url, label, current) of the menu entries whose page exists, only for a
    signed-in person's page (the sign-in and error pages have no menu)."""
    person = g.get("portal_me")
    if person is None:
        return {"portal_nav": []}
    views = current_app.view_functions
    return {"portal_nav": [(url_for(endpoint), _label(endpoint, label, person),
                            endpoint == request.endpoint)
                           for endpoint, label in NAV if endpoint in views]}


def _label(endpoint: str, label, person: me.Me) -> str:
    """The entry's words; "Messages" says how many of the worker's messages in the thread the
    messages page shows are unread ("Meldinger (2 uleste)": text, so a screen reader says it
    too). Opening that page marks them read (``messages.services.open_as_participant``) before
    its menu is drawn, so the count is gone there."""
    if endpoint != "portal.messages":
        return str(label)
    unread = unread_for_participant(db.session, person.participant.id, person.thread_case.id)
    if not unread:
        return str(label)
    return ngettext("%(label)s (%(num)d unread)", "%(label)s (%(num)d unread)", unread,
                    label=label)
