"""The Art. 15 copy written for the young person (GDPR art. 12 and 15).

Plain words a 16-year-old reads, in the language chosen: human labels instead of field names,
names of workers and units instead of ids, local dates, grouped by what it is (about you, your
cases, your plan, your sessions, school and work, your outcomes, your consents, who has looked at
your data), then what art. 15(1)(a-h) asks for: why we have the data, what kinds, who we shared
it with, how long we keep it, where it comes from and your rights. The HTML page and the PDF
show these sections; the JSON beside them is the machine-readable copy of every stored value.
Call ``sections`` inside the chosen locale (``force_locale``).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.privacy import records, report
from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.cases.models import LABELS, Case
from caseapp.contacts.models import KIND_LABELS, PRESENT_LABELS, TOPIC_LABELS, Contact
from caseapp.handovers.models import Handover
from caseapp.outcomes.models import END_REASONS, OUTCOME_LABELS, PAID_WORK_KINDS, Outcome
from caseapp.participants.models import GENDER_LABELS, RELATION_LABELS, Participant
from caseapp.plans.models import GOAL_STATUS_LABELS, RESPONSIBLE_LABELS, Plan
from caseapp.transitions.models import Placement, Transition
from caseapp.units.models import Organisation, Unit
from consent.models import ConsentRecord
from consent.purposes import GIVEN_BY_LABELS, PURPOSE_LABELS

SHOWN = {"guardians", "cases", "plans", "plan_versions", "plan_answers", "contacts", "transitions", "placements",
         "outcomes", "consent_records", "handovers"}  # the rest is counted under "Other records"


@dataclass
class Item:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Section:
    key: str
    heading: str
    intro: str = ""
    items: list[Item] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    empty: str = ""


def day(value: date | datetime | None) -> str:
    return format_date(value, "long") if value else ""


def when(value: datetime | None) -> str:
    """A local date and time without seconds ("2. november 2026 10:00")."""
    return f"{format_date(value, 'long')} {format_time(value, 'HH:mm')}" if value else ""


def _label(labels: dict, code: str | None) -> str:
    return str(labels.get(code, code)) if code else ""


def _codes(labels: dict, raw: str | None) -> str:
    return ", ".join(_label(labels, c) for c in (raw or "").split(",") if c)


def _facts(*pairs: tuple[str, object]) -> list[tuple[str, str]]:
    """The pairs that have a value, as text."""
    return [(label, str(value)) for label, value in pairs if value not in (None, "")]


class _Names:
    """Workers and units by id, loaded once."""

    def __init__(self, session: Session) -> None:
        self.session, self.users, self.units = session, {}, {}

    def user(self, user_id: uuid.UUID | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self.users:
            user = self.session.get(User, user_id)
            self.users[user_id] = user.display_name if user else _("Unknown user")
        return self.users[user_id]

    def unit(self, unit_id: uuid.UUID | None) -> Unit | None:
        if unit_id is not None and unit_id not in self.units:
            self.units[unit_id] = self.session.get(Unit, unit_id)
        return self.units.get(unit_id)


def _rows(session: Session, model, participant_id: uuid.UUID, *order) -> list:
    return list(session.scalars(select(model).where(model.participant_id == participant_id)
                                .order_by(*order)))


def _about(person: Participant) -> Section:
    yes_no = _("Yes") if person.minority_language else _("No")
    items = [Item(_("You"), _facts(
        (_("Name"), person.full_name), (_("National ID number"), person.national_id),
        (_("Year of birth"), person.birth_year), (_("Gender"), _label(GENDER_LABELS, person.gender)),
        (_("Home municipality"), person.home_municipality), (_("Phone"), person.phone),
        (_("E-mail"), person.email), (_("Address"), person.address),
        (_("Minority-language background"), yes_no)))]
    items += [Item(_label(RELATION_LABELS, g.relation), _facts(
        (_("Name"), g.name), (_("Phone"), g.phone), (_("E-mail"), g.email)))
        for g in person.guardians]
    return Section("about", _("About you"), _("Who you are and how we reach you and your "
                                               "guardians."), items)


def _cases(cases: list[Case], names: _Names) -> Section:
    items = []
    for case in cases:
        unit = names.unit(case.unit_id)
        items.append(Item(_label(LABELS, case.programme), _facts(
            (_("Programme"), _label(LABELS, case.programme)),
            (_("Track"), _label(LABELS, case.track)),
            (_("Where"), unit.display_name if unit else ""),
            (_("Your worker"), names.user(case.worker_id)),
            (_("Started"), day(case.started_on)), (_("Ended"), day(case.ended_on)),
            (_("Why it ended"), _label(END_REASONS, case.end_reason)),
            (_("Status"), _label(LABELS, case.status)),
            (_("School or workplace"), case.school_or_workplace),
            (_("Grade or programme"), case.grade_or_programme))))
    return Section("cases", _("Your cases"), _("The follow-up you get from us."), items,
                   empty=_("You have no case with us."))


def _plan(session: Session, person_id: uuid.UUID, names: _Names) -> Section:
    items = []
    for plan in _rows(session, Plan, person_id, Plan.created_at):
        version = plan.current
        if version is None:
            continue
        content = version.content
        items += [Item(goal.text, _facts((_("Target date"), day(goal.target_date)),
                                         (_("How it is going"), _label(GOAL_STATUS_LABELS,
                                                                       goal.status))))
                  for goal in content.goals]
        items += [Item(measure.text, _facts((_("Who does it"), _label(RESPONSIBLE_LABELS,
                                                                      measure.responsible))))
                  for measure in content.measures]
        items.append(Item(_("About the plan"), _facts(
            (_("Agreed with you"), _("Yes") if version.agreed else _("No")),
            (_("Your own answer"), when(version.answer.answered_at) if version.answer else None),
            (_("Your comment"), version.answer.comment if version.answer else None),
            (_("Last saved"), when(version.saved_at)), (_("Saved by"), names.user(version.saved_by_id)),
            (_("Number of versions"), version.number))))
    return Section("plan", _("Your plan"), _("Your goals and what we will do to reach them."),
                   items, empty=_("You have no plan yet."))


def _sessions(session: Session, person_id: uuid.UUID, names: _Names) -> Section:
    items = []
    for contact in _rows(session, Contact, person_id, Contact.occurred_at):
        items.append(Item(when(contact.occurred_at), _facts(
            (_("What kind"), _label(KIND_LABELS, contact.kind)),
            (_("Who was there"), _codes(PRESENT_LABELS, contact.present)),
            (_("What you talked about"), _codes(TOPIC_LABELS, contact.topics)),
            (_("Minutes"), contact.duration_minutes),
            (_("What your worker wrote"), contact.note), (_("Next step"), contact.next_step),
            (_("Next meeting"), day(contact.next_date)),
            (_("Time"), contact.next_time.strftime("%H:%M") if contact.next_time else None),
            (_("Where"), contact.next_place),
            (_("Shared with you as a summary"), _("Yes") if contact.summary_shared else None),
            (_("Written by"), names.user(contact.created_by_id)),
            (_("Deleted"), day(contact.deleted_at)))))
    return Section("sessions", _("Your sessions"), _("Meetings and talks with your worker, "
                                                     "and what was written about them."),
                   items, empty=_("No sessions are written down."))


def _school_and_work(session: Session, person_id: uuid.UUID) -> Section:
    items = [Item(_("School transition %(date)s", date=day(t.transition_date)), _facts(
        (_("From school"), t.from_school), (_("From grade"), t.from_grade),
        (_("To school"), t.to_school), (_("To programme"), t.to_programme),
        (_("Days of visits"), t.hospitation_days)))
        for t in _rows(session, Transition, person_id, Transition.transition_date)]
    items += [Item(_("Workplace placement: %(place)s", place=p.workplace), _facts(
        (_("Trade"), p.trade), (_("Started"), day(p.started_on)), (_("Ended"), day(p.ended_on)),
        (_("Hours a week"), p.hours_per_week), (_("Contact at the workplace"), p.workplace_contact)))
        for p in _rows(session, Placement, person_id, Placement.started_on)]
    return Section("school_work", _("School and work"), "", items,
                   empty=_("No school transitions or workplace placements are written down."))


def _outcomes(session: Session, person_id: uuid.UUID) -> Section:
    items = [Item(_label(OUTCOME_LABELS, o.code), _facts(
        (_("Date"), day(o.occurred_on)), (_("Kind of work"), _label(PAID_WORK_KINDS, o.paid_work_kind)),
        (_("Percent of full time"), o.percent_of_full_time), (_("Note"), o.note)))
        for o in _rows(session, Outcome, person_id, Outcome.occurred_on)]
    return Section("outcomes", _("Your outcomes"), _("What you went on to, as we wrote it down."),
                   items, empty=_("No outcome is written down yet."))


def _consents(session: Session, person_id: uuid.UUID) -> Section:
    items = []
    for record in _rows(session, ConsentRecord, person_id, ConsentRecord.valid_from):
        basis = (_("The law: %(reference)s", reference=record.statutory_reference)
                 if record.legal_basis == "statutory" else _("Consent"))
        items.append(Item(_label(PURPOSE_LABELS, record.purpose), _facts(
            (_("Basis"), basis), (_("Given by"), _label(GIVEN_BY_LABELS, record.given_by)),
            (_("From"), day(record.valid_from)), (_("Until"), day(record.valid_until)),
            (_("Withdrawn"), day(record.withdrawn_at)))))
    return Section("consents", _("Your consents"), _("What you (or your guardians) agreed to, "
                                                     "and the other bases we use."), items,
                   empty=_("No consent is written down."))


def _others(session: Session, person_id: uuid.UUID) -> Section:
    counted = dict((table, number) for table, number in records.counts_by_table(session, person_id)
                   if table not in SHOWN)
    items = [Item(str(records.RECORD_TYPES[table]), _facts((_("Number"), number)))
             for table, number in counted.items()]
    return Section("other", _("Other records about you"), _(
        "Records we keep to show who did what and when: earlier versions, emergency accesses, "
        "logins and similar. Everything in them is in the machine-readable copy (JSON)."), items)


def _access(session: Session, person_id: uuid.UUID) -> Section:
    items = [Item(when(line.at), _facts((_("Who"), line.who),
                                        (_("Role and workplace"), f"{line.role} – {line.unit}"
                                         if line.unit else line.role),
                                        (_("What was done"), line.what), (_("Why"), line.why)))
             for line in report.lines_for(session, person_id)]
    return Section("access", _("Who has looked at your data"), _(
        "Every time someone at work opens or changes your data, it is written down."), items)


def _recipients(session: Session, person_id: uuid.UUID, home: str) -> list[str]:
    """The organisations, other than ours, the case was handed over to or shared with."""
    ids = {r.organisation_id for r in _rows(session, ConsentRecord, person_id, ConsentRecord.id)
           if r.organisation_id and r.purpose == "share" and not r.withdrawn_at}
    for handover in _rows(session, Handover, person_id, Handover.created_at):
        unit = session.get(Unit, handover.to_unit_id)
        ids.add(unit.organisation_id if unit else None)
    names = {o.name for o in session.scalars(select(Organisation).where(
        Organisation.id.in_({i for i in ids if i})))}
    return sorted(names - {home})


def _years(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return _("%(num)d years", num=years) if years != 1 else _("1 year")
    return _("%(num)d days", num=days)


def _information(session: Session, person: Participant, organisation: str,
                 retention: dict[str, int]) -> list[Section]:
    recipients = _recipients(session, person.id, organisation)
    imported = session.scalar(select(AuditEvent.id).where(
        AuditEvent.subject_id == person.id, AuditEvent.action == "participant.import").limit(1))
    sources = [_("From you and your guardians, and from the workers who follow you up.")]
    if imported:
        sources.append(_("Some of it came from a list that %(organisation)s imported when it "
                         "started using this system.", organisation=organisation))
    shared = ([_("We have shared your data with: %(names)s.", names=", ".join(recipients))]
              if recipients else [_("We have not shared your data with anyone outside "
                                    "%(organisation)s.", organisation=organisation)])
    shared.append(_("Figures for statistics and research never include your name."))
    return [
        Section("why", _("Why we have the data"), paragraphs=[
            _("We use your data to follow you up in the programme: to make a plan with you, "
              "to write down your sessions and what you went on to, and to make statistics "
              "without your name. We do it on the basis of your consent or the law shown "
              "under Your consents. No decision about you is made by a machine.")]),
        Section("kinds", _("What kinds of data we have"), paragraphs=[
            _("Who you are and how we reach you and your guardians; your plan; notes from "
              "your sessions; school, work and outcomes; your consents; and a log of who "
              "has looked at your data.")]),
        Section("shared", _("Who we have shared them with"), paragraphs=shared),
        Section("retention", _("How long we keep them"), paragraphs=[
            _("We keep your data for %(closed)s after your last case ended. If you withdraw "
              "your consent, we decide within %(withdrawn)s what happens to your data.",
              closed=_years(retention.get("closed_case", 1825)),
              withdrawn=_years(retention.get("withdrawn_consent", 30)))]),
        Section("sources", _("Where the data comes from"), paragraphs=sources),
        Section("rights", _("Your rights"), paragraphs=[
            _("You can ask us to correct data that is wrong, to erase data, or to stop using "
              "it for a while (restriction). You can object to how we use it. Contact the "
              "privacy officer at %(organisation)s.", organisation=organisation),
            _("You can complain to the Norwegian Data Protection Authority (Datatilsynet), "
              "datatilsynet.no.")]),
    ]


def sections(session: Session, person: Participant, *, organisation: str,
             retention: dict[str, int]) -> list[Section]:
    """Every section of the copy, in the current locale."""
    names = _Names(session)
    cases = _rows(session, Case, person.id, Case.started_on)
    return [_about(person), _cases(cases, names), _plan(session, person.id, names),
            _sessions(session, person.id, names), _school_and_work(session, person.id),
            _outcomes(session, person.id), _consents(session, person.id),
            _access(session, person.id), _others(session, person.id),
            *_information(session, person, organisation, retention)]
