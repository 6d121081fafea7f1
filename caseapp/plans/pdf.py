"""The current plan as a PDF to hand to the young person (reportlab), in plain language."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask_babel import force_locale, format_date, gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer
from xml.sax.saxutils import escape

from caseapp.plans.models import GOAL_STATUS_LABELS, RESPONSIBLE_LABELS, Plan


def organisation_name(configured: str, case) -> str:
    """The organisation the plan comes from: the configured name, or, while that is still the
    default, the organisation of the case's unit."""
    from caseapp.config import DEFAULTS

    if configured and configured != DEFAULTS["CASEAPP_ORGANISATION_NAME"]:
        return configured
    return case.unit.organisation.name


def reach_me(case) -> list[str]:
    """The "How to reach me" lines: the worker, their unit and organisation, and the work phone
    and e-mail from their staff profile (a line only for what is filled in)."""
    worker, unit = case.worker, case.unit
    lines = [worker.display_name, unit.display_name if unit.name == unit.organisation.name
             else f"{unit.name}, {unit.organisation.name}"]
    if worker.work_phone:
        lines.append(_("Phone: %(phone)s", phone=worker.work_phone))
    if worker.email:
        lines.append(_("E-mail: %(address)s", address=worker.email))
    return lines


def render_plan(plan: Plan, *, organisation: str, next_meeting: date | None,
                language: str = "nb") -> bytes:
    """The plan's current version as PDF bytes, in ``language`` (nb or en)."""
    with force_locale(language):
        return _render(plan, organisation, next_meeting)


def _render(plan: Plan, organisation: str, next_meeting: date | None) -> bytes:
    styles = getSampleStyleSheet()
    version = plan.current
    content = version.content
    case = plan.case
    person = case.participant

    def para(text: str, style: str = "BodyText") -> Paragraph:
        return Paragraph(escape(str(text)), styles[style])

    def bullets(lines: list[str]) -> ListFlowable:
        return ListFlowable([ListItem(para(line)) for line in lines], bulletType="bullet")

    story = [para(organisation_name(organisation, case), "Normal"),
             para(_("Follow-up plan for %(name)s", name=person.full_name), "Title"),
             para(_("Version %(number)d, %(date)s", number=version.number,
                    date=format_date(version.saved_at.date(), "long")), "Normal"),
             Spacer(1, 6 * mm), para(_("Goals"), "Heading2")]
    goals = []
    for goal in content.goals:
        line = f"{goal.text} ({GOAL_STATUS_LABELS[goal.status]})"
        if goal.target_date:
            line += " – " + _("by %(date)s", date=format_date(goal.target_date, "long"))
        goals.append(line)
    story.append(bullets(goals))
    story.append(para(_("What we will do"), "Heading2"))
    story.append(bullets([f"{m.text} – {RESPONSIBLE_LABELS[m.responsible]}" for m in content.measures])
                 if content.measures else para(_("No measures yet.")))
    story.append(para(_("Next meeting"), "Heading2"))
    story.append(para(format_date(next_meeting, "long") if next_meeting else _("Not set yet.")))
    if version.review_date:
        story.append(para(_("We look at the plan together again on %(date)s.",
                            date=format_date(version.review_date, "long"))))
    story.append(para(_("How to reach me"), "Heading2"))
    story += [para(line) for line in reach_me(case)]
    if version.agreed:
        story.append(Spacer(1, 4 * mm))
        story.append(para(_("You agreed to this version of the plan.")))
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=_("Follow-up plan"),
                                 author=organisation, leftMargin=20 * mm, rightMargin=20 * mm)
    document.build(story)
    return buffer.getvalue()
