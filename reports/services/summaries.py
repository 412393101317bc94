"""The written summaries (P1, P4): every department of every jurisdiction reports on the
campaign, the food safety office (FSO) for its whole jurisdiction with the figures rolled up
county → city → province. A report is prepared by its own department (statistics computed by
the worker, the written text, a scanned document), submitted, then accepted or returned by a
reviewer of the FSO one level above.

The province has no level above: its reports (the provincial FSO's own included) are
reviewed by a reviewer of the provincial FSO other than the one who submitted them, so no
report is ever accepted by the person who sent it.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind, Level, Role
from dairy_campaign.models import Campaign, Jurisdiction, User
from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.services.campaigns import campaign_current
from dairy_campaign.services.notifications import notify
from dairy_campaign.transitions import transition
from dairy_campaign.uploads import upload_sha256, validate_document

from ..models import GenerationState, SummaryReport, SummaryStatus
from ..statistics import rollup, sections_for

S = SummaryStatus
G = GenerationState
SUMMARY_FLOW = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.RETURNED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
}
TEXT_MAX = 50_000


# --- who may do what -------------------------------------------------------------------


def may_prepare(user) -> bool:
    """Whether `user` prepares its own department's report (a writing role in a department)."""
    return (
        user.is_authenticated
        and getattr(user, "agency_id", None) is not None
        and getattr(user, "role", None) in WRITE_ROLES
    )


def reviewing_jurisdiction_code(report: SummaryReport) -> str:
    """The jurisdiction whose FSO reviews the report: the one above, or the province itself."""
    return report.jurisdiction.parent_id or report.jurisdiction_id


def may_write_report(user, report: SummaryReport) -> bool:
    return SummaryReport.objects.editable_by(user).filter(pk=report.pk).exists()


def may_review(user, report: SummaryReport) -> bool:
    """A reviewer of the FSO one level above (the province's FSO for the province), who did
    not submit the report."""
    if not user.is_authenticated or report.submitted_by_id == user.pk:
        return False
    if user.is_superuser:
        return True
    return (
        getattr(user, "role", None) in DECIDE_ROLES
        and user.kind == AgencyKind.FSO
        and user.agency.jurisdiction_id == reviewing_jurisdiction_code(report)
    )


def summary_actions_for(user, report: SummaryReport, *, writer: bool | None = None) -> list[str]:
    """The moves open to `user` now: generate, text, submit (its department's report while
    a draft or returned), accept and return (the reviewing office, once submitted)."""
    if writer is None:
        writer = may_write_report(user, report)
    actions = []
    if writer and report.editable:
        actions += ["generate", "text"]
        if report.generation_state == G.DONE and report.text.strip():
            actions.append("submit")
    if report.status == S.SUBMITTED and may_review(user, report):
        actions += ["accept", "return"]
    return actions


def reports_to_review(user):
    """Submitted reports waiting for `user`'s office: those of the level directly below, and
    for the provincial office also the province's own."""
    qs = SummaryReport.objects.visible_to(user).filter(status=S.SUBMITTED)
    if user.is_superuser:
        return qs
    if getattr(user, "role", None) not in DECIDE_ROLES or user.kind != AgencyKind.FSO:
        return qs.none()
    code = user.agency.jurisdiction_id
    below = qs.filter(jurisdiction__parent_id=code)
    if user.agency.jurisdiction.level == Level.PROVINCE:
        return (below | qs.filter(jurisdiction_id=code)).exclude(submitted_by=user)
    return below


def _require_writer(actor, report: SummaryReport):
    if not may_write_report(actor, report):
        raise PermissionDenied(_("A summary report is prepared by its own department."))


def _require_editable(report: SummaryReport):
    if not report.editable:
        raise ValidationError(
            _("The report is %(status)s; it changes only as a draft or when returned.")
            % {"status": report.get_status_display()}
        )


def _require_reviewer(actor, report: SummaryReport):
    if report.submitted_by_id == actor.pk:
        raise PermissionDenied(_("A report is reviewed by someone other than the one who submitted it."))
    if not may_review(actor, report):
        raise PermissionDenied(_("Only reviewers of the food safety office one level above review this report."))


def _url(report: SummaryReport) -> str:
    return reverse("summary_detail", args=[report.pk])


def _in_working_language(text_fn):
    # Notifications and history are read by others, later: in the working language.
    with translation.override(settings.LANGUAGE_CODE):
        return text_fn()


# --- starting and preparing ------------------------------------------------------------


@transaction.atomic
def summary_start(
    *, actor, jurisdiction: Jurisdiction | None = None, campaign: Campaign | None = None
) -> SummaryReport:
    """The actor's department's report on the campaign (the current one unless given):
    the existing one, or a new draft. A department reports for its own jurisdiction only."""
    if not may_prepare(actor):
        raise PermissionDenied(_("Summary reports are prepared by the departments' inspectors, reviewers and clerks."))
    own = actor.agency.jurisdiction
    if jurisdiction is not None and jurisdiction.pk != own.pk:
        raise ValidationError({"jurisdiction": _("A department reports for its own jurisdiction only.")})
    campaign = campaign or campaign_current()
    if campaign is None:
        raise ValidationError(_("No campaign has been set up yet."))
    report = SummaryReport.objects.filter(campaign=campaign, agency=actor.agency).first()
    if report is not None:
        return report
    report = SummaryReport(campaign=campaign, jurisdiction=own, agency=actor.agency, created_by=actor)
    return audited_save(report, actor=actor, reason=_("Summary report started"))


@transaction.atomic
def summary_text_set(*, actor, report: SummaryReport, text: str, document=None) -> SummaryReport:
    """The written summary, and optionally its signed scan (PDF, JPEG or PNG)."""
    report = SummaryReport.objects.select_for_update().get(pk=report.pk)
    _require_writer(actor, report)
    _require_editable(report)
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("Write at most %(n)d characters.") % {"n": TEXT_MAX}})
    report.text = text
    if document is not None:
        validate_document(document)
        report.document_sha256 = upload_sha256(document)
        report.document.save(document.name, document, save=False)
    return audited_save(report, actor=actor, reason=_("Written summary saved"))


# --- the statistics, computed by the worker --------------------------------------------


@transaction.atomic
def summary_generate(*, actor, report: SummaryReport) -> SummaryReport:
    """Have the worker compute the report's statistics. Asking again replaces the request:
    a run already under way stops at its next step and only the newest one writes."""
    from ..tasks import generate_summary

    report = SummaryReport.objects.select_for_update().get(pk=report.pk)
    _require_writer(actor, report)
    _require_editable(report)
    report.generation_state = G.QUEUED
    report.progress = 0
    report.task_id = uuid.uuid4().hex
    report.generation_requested_by = actor
    report.save(update_fields=["generation_state", "progress", "task_id", "generation_requested_by"])
    transaction.on_commit(lambda: generate_summary.delay(report.pk))
    return report


def plain_decimal(value: Decimal) -> str:
    """An exact decimal string without exponent or trailing zeros beyond two places
    ("12346.1700000000" → "12346.17", "0.5" → "0.50", "1.2345" stays)."""
    text = format(value, "f")
    if "." not in text:
        return text
    whole, fraction = text.rstrip("0").split(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def encode_figures(figures: dict, keys) -> dict:
    """Figures as JSON keeps them: integers as numbers, Decimals as exact strings."""
    out = {}
    for key in keys:
        value = figures.get(key, 0)
        out[key] = plain_decimal(value) if isinstance(value, Decimal) else value
    return out


def decode_figures(figures: dict, sections) -> dict:
    decimal = {f.key for s in sections for f in s.figures if f.decimal}
    out = {}
    for section in sections:
        for figure in section.figures:
            value = figures.get(figure.key, 0)
            out[figure.key] = Decimal(str(value)) if figure.key in decimal else int(value)
    return out


def _claim(report_id: int) -> str | None:
    """Take the run over: a fresh claim, unless nothing was asked (already done, or failed)."""
    with transaction.atomic():
        report = SummaryReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.generation_state not in (G.QUEUED, G.RUNNING):
            return None
        token = uuid.uuid4().hex
        SummaryReport.objects.filter(pk=report_id).update(generation_state=G.RUNNING, progress=0, task_id=token)
        return token


def _step(report_id: int, token: str, progress: int) -> bool:
    """Report progress; False when a newer request or run has taken over (stop then)."""
    return (
        SummaryReport.objects.filter(pk=report_id, task_id=token, generation_state=G.RUNNING).update(progress=progress)
        == 1
    )


def summary_generate_run(*, report_id: int) -> SummaryReport | None:
    """P4, in the worker: roll the figures up for the report's jurisdiction, section by
    section, and keep them as the report's snapshot (replacing any earlier one).

    Safe to repeat or to run twice at once: each run claims the report; only the run holding
    the latest claim writes, the others stop at their next step."""
    token = _claim(report_id)
    if token is None:
        return SummaryReport.objects.filter(pk=report_id).first()
    report = SummaryReport.objects.select_related("campaign", "jurisdiction", "agency").get(pk=report_id)
    sections = sections_for(report.agency.kind)
    steps = len(sections) + 1
    result = rollup(report.jurisdiction, report.campaign)
    if not _step(report_id, token, 100 // steps):
        return None
    snapshot = {"sections": [], "own": {}, "total": {}, "children": []}
    children = [{"code": place.code, "figures": {}} for place, _figures in result.children]
    for done, section in enumerate(sections, start=2):
        keys = [f.key for f in section.figures]
        snapshot["sections"].append(section.key)
        snapshot["own"].update(encode_figures(result.own, keys))
        snapshot["total"].update(encode_figures(result.total, keys))
        for row, (_place, figures) in zip(children, result.children, strict=True):
            row["figures"].update(encode_figures(figures, keys))
        if not _step(report_id, token, min(99, done * 100 // steps)):
            return None
    snapshot["children"] = children
    with transaction.atomic():
        locked = SummaryReport.objects.select_for_update().get(pk=report_id)
        if locked.task_id != token:
            return None  # a newer request came in while this one ran
        locked.statistics = snapshot
        locked.generation_state = G.DONE
        locked.progress = 100
        locked.generated_at = timezone.now()
        reason = _in_working_language(lambda: _("Statistics generated"))
        return audited_save(locked, actor=locked.generation_requested_by, reason=reason)


def summary_generation_fail(*, report_id: int) -> None:
    """A run whose task gave up is marked failed, so the page stops waiting."""
    SummaryReport.objects.filter(pk=report_id, generation_state__in=(G.QUEUED, G.RUNNING)).update(
        generation_state=G.FAILED
    )


# --- the snapshot as tables ------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotRow:
    code: str
    name: str
    values: list
    own: bool = False


@dataclass(frozen=True)
class SectionTable:
    section: object
    figures: tuple
    rows: list[SnapshotRow]
    total: list

    @property
    def by_figure(self) -> list[tuple]:
        """The table turned on its side, for the page: (figure, values per place, total)."""
        return [(figure, [row.values[i] for row in self.rows], self.total[i]) for i, figure in enumerate(self.figures)]


def report_sections(report: SummaryReport) -> tuple:
    """The sections the report carries: those of its department's kind, in snapshot order."""
    sections = sections_for(report.agency.kind)
    stored = report.statistics.get("sections")
    if stored:
        by_key = {s.key: s for s in sections}
        return tuple(by_key[k] for k in stored if k in by_key)
    return tuple(sections)


def snapshot_tables(report: SummaryReport) -> list[SectionTable]:
    """One table per section: the jurisdiction's own records, each child jurisdiction, and the
    total; a county's table has its own row only."""
    snapshot = report.statistics or {}
    if not snapshot.get("sections"):
        return []
    sections = report_sections(report)
    own = decode_figures(snapshot.get("own", {}), sections)
    total = decode_figures(snapshot.get("total", {}), sections)
    children = snapshot.get("children", [])
    places = Jurisdiction.objects.in_bulk([c["code"] for c in children])
    decoded = [(c["code"], decode_figures(c["figures"], sections)) for c in children]
    tables = []
    for section in sections:
        keys = [f.key for f in section.figures]
        rows = [SnapshotRow(report.jurisdiction_id, report.jurisdiction.display_name, [own[k] for k in keys], True)]
        for code, figures in decoded:
            place = places.get(code)
            rows.append(SnapshotRow(code, place.display_name if place else code, [figures[k] for k in keys]))
        tables.append(SectionTable(section, section.figures, rows, [total[k] for k in keys]))
    return tables


def snapshot_child_figures(report: SummaryReport) -> list[tuple[Jurisdiction, dict]]:
    """Each child jurisdiction with its decoded figures, in snapshot order."""
    sections = report_sections(report)
    children = (report.statistics or {}).get("children", [])
    places = Jurisdiction.objects.in_bulk([c["code"] for c in children])
    return [(places[c["code"]], decode_figures(c["figures"], sections)) for c in children if c["code"] in places]


# --- submission and review -------------------------------------------------------------


def _reviewers(report: SummaryReport):
    code = reviewing_jurisdiction_code(report)
    return User.objects.filter(
        agency__jurisdiction_id=code, agency__kind=AgencyKind.FSO, role=Role.REVIEWER, is_active=True
    )


@transaction.atomic
def summary_submit(*, actor, report: SummaryReport, reason: str = "") -> SummaryReport:
    """P1: send the report, with its statistics and written summary, to the FSO one level
    above (for the province, to the provincial FSO's other reviewers)."""
    report = SummaryReport.objects.select_for_update().select_related("jurisdiction", "agency").get(pk=report.pk)
    _require_writer(actor, report)
    _require_editable(report)
    if report.generation_state != G.DONE or not report.statistics.get("sections"):
        raise ValidationError(_("Generate the statistics before submitting the report."))
    if not report.text.strip():
        raise ValidationError({"text": _("Write the summary before submitting the report.")})
    transition(
        obj=report,
        to=S.SUBMITTED,
        table=SUMMARY_FLOW,
        actor=actor,
        reason=reason.strip() or _in_working_language(lambda: _("Submitted")),
        submitted_by=actor,
        submitted_at=timezone.now(),
        reviewed_by=None,
        reviewed_at=None,
    )
    title = _in_working_language(lambda: _("Summary report to review: %(report)s") % {"report": report})
    notify(recipients=_reviewers(report).exclude(pk=actor.pk), title=title, body=reason, url=_url(report))
    return report


def _decide(*, actor, report: SummaryReport, to: str, note: str) -> SummaryReport:
    report = SummaryReport.objects.select_for_update().select_related("jurisdiction", "agency").get(pk=report.pk)
    _require_reviewer(actor, report)
    if report.status != S.SUBMITTED:
        raise ValidationError(
            _("The report is %(status)s; only a submitted report is accepted or returned.")
            % {"status": report.get_status_display()}
        )
    transition(
        obj=report,
        to=to,
        table=SUMMARY_FLOW,
        actor=actor,
        reason=note,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_note=note,
    )
    return report


@transaction.atomic
def summary_accept(*, actor, report: SummaryReport, note: str = "") -> SummaryReport:
    """The reviewing office takes the report as final."""
    note = note.strip() or _in_working_language(lambda: _("Accepted"))
    report = _decide(actor=actor, report=report, to=S.ACCEPTED, note=note)
    title = _in_working_language(lambda: _("Summary report accepted: %(report)s") % {"report": report})
    notify(recipients=[report.submitted_by], title=title, body=note, url=_url(report))
    return report


@transaction.atomic
def summary_return(*, actor, report: SummaryReport, note: str) -> SummaryReport:
    """The reviewing office sends the report back, saying what to correct."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what is to be corrected.")})
    report = _decide(actor=actor, report=report, to=S.RETURNED, note=note.strip())
    title = _in_working_language(lambda: _("Summary report returned: %(report)s") % {"report": report})
    notify(recipients=[report.submitted_by], title=title, body=note, url=_url(report))
    return report


def summary_decide(*, actor, report: SummaryReport, action: str, note: str = "") -> SummaryReport:
    """The named move through its service (the pages and the API offer exactly these)."""
    if action == "submit":
        return summary_submit(actor=actor, report=report, reason=note)
    if action == "accept":
        return summary_accept(actor=actor, report=report, note=note)
    if action == "return":
        return summary_return(actor=actor, report=report, note=note)
    raise ValidationError(_("Unknown decision."))
