"""The one ``portal`` blueprint (/meg). Every page module of the young person's pages
(``views``, ``plan_views``, ``meetings_views``, ``consent_views``, ``access_views``,
``messages_views``) adds its routes to this ``bp``; ``caseapp.portal.views`` imports them all."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import lazy_gettext as _l

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
    if g.get("portal_me") is None:
        return {"portal_nav": []}
    views = current_app.view_functions
    return {"portal_nav": [(url_for(endpoint), label, endpoint == request.endpoint)
                           for endpoint, label in NAV if endpoint in views]}
