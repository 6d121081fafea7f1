"""The consent receipt (PDF) for the young person and guardians."""
from __future__ import annotations

import io
import json

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from xml.sax.saxutils import escape

from consent.models import ConsentRecord
from consent.purposes import DATA_CATEGORIES, GIVEN_BY_LABELS, PURPOSE_LABELS, Channel, Method


def build_receipt(record: ConsentRecord, participant, worker_name: str) -> bytes:
    """A plain-language receipt: what was agreed, for what, with whom, until when, how to
    withdraw, and who the privacy officer is. Text in the current locale."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            title=_("Receipt for your consent"),
                            author=current_app.config["CASEAPP_ORGANISATION_NAME"])

    def para(text, style="BodyText"):
        return Paragraph(escape(str(text)), styles[style])

    story = [para(current_app.config["CASEAPP_ORGANISATION_NAME"], "Normal"),
             para(_("Receipt for your consent"), "Title"),
             para(_("For: %(name)s", name=participant.full_name))]
    what = PURPOSE_LABELS.get(record.purpose, record.purpose)
    if record.organisation is not None:
        what = _("%(purpose)s: %(organisation)s", purpose=what, organisation=record.organisation.name)
    story += [Spacer(1, 4 * mm), para(_("What you agreed to"), "Heading2"), para(what)]
    if record.data_categories:
        story.append(para(_("Information about you that is covered: %(list)s",
                            list=", ".join(str(DATA_CATEGORIES[c]) for c in record.data_categories))))
    if record.given_by:
        story.append(para(_("Given by: %(who)s", who=GIVEN_BY_LABELS[record.given_by])))
    for guardian in json.loads(record.guardians or "[]"):
        story.append(para(f"{guardian['name']} ({guardian.get('relation') or '–'})"))
    story.append(para(_("Valid from %(date)s.", date=format_date(record.valid_from.date(), "long"))))
    if record.valid_until:
        story.append(para(_("Valid until %(date)s.", date=format_date(record.valid_until.date(), "long"))))
        if record.valid_until_event == "turns_adult":
            story.append(para(_("When you come of age, you will be asked to give your own consent.")))
    if record.method == Method.DIGITAL.value:
        story.append(para(_("You gave this consent yourself on My pages.")))
    if record.withdrawn_at:
        story.append(para(_("Withdrawn on %(date)s.", date=format_date(record.withdrawn_at.date(), "long"))))
        if record.withdrawal_channel == Channel.DIGITAL.value:
            story.append(para(_("You withdrew it yourself on My pages.")))
    story += [Spacer(1, 4 * mm), para(_("You can change your mind"), "Heading2"),
              para(_("You can withdraw your consent at any time, and it is as easy as giving it: "
                     "tell %(worker)s in person, by phone, text message, e-mail or letter. "
                     "It takes effect at once.", worker=worker_name)),
              para(_("Questions about privacy: contact the privacy officer, %(contact)s.",
                     contact=current_app.config["CASEAPP_PRIVACY_OFFICER_CONTACT"]))]
    if record.notice_text is not None:
        text = record.notice_text
        story.append(para(_("Information text: %(title)s, version %(version)s (%(language)s), "
                            "SHA-256 %(hash)s", title=text.title, version=text.version,
                            language=text.language, hash=text.sha256[:16]), "Italic"))
    story.append(para(_("Reference: %(id)s", id=record.id), "Italic"))
    doc.build(story)
    return buffer.getvalue()
