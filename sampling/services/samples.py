"""Samples and their chain of custody (二.1–二.3): taken by a department from a lot, sealed,
sent to the lab, received, tested, reported and reviewed, each hand-over with who and when."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dairy_campaign.ownership import WRITE_ROLES
from dairy_campaign.services.audit import audited_save
from dairy_campaign.transitions import transition

from ..models import CustodyEvent, Lot, PlanLine, PlanStatus, Sample, SampleStatus

S = SampleStatus

# The chain of custody, one step at a time and in order only.
CUSTODY = {
    S.SAMPLED: frozenset({S.SENT}),
    S.SENT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.TESTED}),
    S.TESTED: frozenset({S.REPORTED}),
    S.REPORTED: frozenset({S.REVIEWED}),
}
# The hand-overs recorded by hand; the others follow from the result and its review.
MANUAL_STEPS = frozenset({S.SENT, S.RECEIVED})

SERIAL_DIGITS = 6
CODE_ATTEMPTS = 5


def may_take_samples(actor) -> bool:
    return (
        actor.is_authenticated
        and getattr(actor, "agency_id", None) is not None
        and (actor.is_superuser or actor.role in WRITE_ROLES)
    )


def may_write_sample(actor, sample: Sample) -> bool:
    """A writing member of the department kind that took the sample, within scope."""
    return actor.is_authenticated and Sample.objects.editable_by(actor).filter(pk=sample.pk).exists()


def require_sample_writer(actor, sample: Sample):
    if not may_write_sample(actor, sample):
        raise PermissionDenied(_("Only writing members of the department that took the sample do this."))


def locked_sample(sample: Sample) -> Sample:
    """The sample re-read under a row lock, so two hand-overs or two results cannot cross."""
    return Sample.objects.select_for_update().select_related("lot__operator__county").get(pk=sample.pk)


def _code_prefix(lot: Lot, sampled_at: datetime.datetime) -> str:
    return f"{lot.operator.county_id}-{timezone.localtime(sampled_at).year}-"


def next_sample_code(prefix: str) -> str:
    """The next free `<county>-<year>-<serial>` code: one more than the highest issued."""
    last = (
        Sample.objects.filter(code__startswith=prefix, code__regex=rf"^{prefix}[0-9]{{{SERIAL_DIGITS}}}$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    serial = int(last[-SERIAL_DIGITS:]) + 1 if last else 1
    if serial >= 10**SERIAL_DIGITS:
        raise ValidationError(_("No sample code is left for %(prefix)s this year.") % {"prefix": prefix})
    return f"{prefix}{serial:0{SERIAL_DIGITS}d}"


def _save_with_code(sample: Sample, *, actor, reason: str) -> Sample:
    """Give the sample the next code and save it. Two departments of a county may take
    samples at the same moment: the unique code decides, and the loser takes the next one."""
    prefix = _code_prefix(sample.lot, sample.sampled_at)
    for _attempt in range(CODE_ATTEMPTS):
        sample.code = next_sample_code(prefix)
        try:
            with transaction.atomic():
                return audited_save(sample, actor=actor, reason=reason)
        except IntegrityError:
            sample.pk = None
        except ValidationError as error:
            if "code" not in getattr(error, "error_dict", {}):
                raise
    raise ValidationError(_("Could not give the sample a code; try again."))


def _check_plan_line(actor, plan_line: PlanLine, lot: Lot):
    plan = plan_line.plan
    if plan.status != PlanStatus.APPROVED or plan.agency_id != actor.agency_id:
        raise ValidationError({"plan_line": _("Choose a line of an approved sampling plan of your department.")})
    covers_holder = plan_line.operator_id is not None and plan_line.operator_id == lot.operator_id
    covers_vehicle = plan_line.vehicle_id is not None and plan_line.vehicle_id == lot.vehicle_id
    if not (covers_holder or covers_vehicle):
        raise ValidationError({"plan_line": _("This plan line covers neither the lot's holder nor its vehicle.")})


def _check_when(sampled_at: datetime.datetime, lot: Lot):
    if sampled_at is None:
        raise ValidationError({"sampled_at": _("Give the time the sample was taken.")})
    if timezone.is_naive(sampled_at):
        sampled_at = timezone.make_aware(sampled_at)
    if sampled_at > timezone.now():
        raise ValidationError({"sampled_at": _("The sampling time cannot be in the future.")})
    if timezone.localtime(sampled_at).date() < lot.dated:
        raise ValidationError({"sampled_at": _("The sample cannot be taken before the lot's date.")})
    return sampled_at


@transaction.atomic
def sample_take(
    *, actor, lot: Lot, samplers: str, sampled_at, quantity, unit: str, seal_number: str, lab: str = "", plan_line=None
) -> Sample:
    """A department samples a lot it can see: sealed, labelled with a code unique in the
    province (`<county>-<year>-<serial>`), and its first custody step recorded. A plan line
    given must be of an approved plan of the actor's department covering the lot's holder
    or vehicle (Q1–Q5 count the sample against that line)."""
    if not may_take_samples(actor):
        raise PermissionDenied(_("Only writing members of a department take samples."))
    if lot is None or not Lot.objects.visible_to(actor).filter(pk=lot.pk).exists():
        raise ValidationError({"lot": _("Choose a lot within your jurisdiction.")})
    lot = Lot.objects.select_related("operator").get(pk=lot.pk)
    sampled_at = _check_when(sampled_at, lot)
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": _("The quantity sampled must be positive.")})
    if plan_line is not None:
        _check_plan_line(actor, plan_line, lot)
    sample = Sample(
        lot=lot,
        county_id=lot.operator.county_id,
        plan_line=plan_line,
        agency_id=actor.agency_id,
        samplers=(samplers or "").strip(),
        sampled_at=sampled_at,
        quantity=quantity,
        unit=(unit or "").strip(),
        seal_number=(seal_number or "").strip(),
        lab=(lab or "").strip(),
        status=S.SAMPLED,
        recorded_by=actor,
    )
    _save_with_code(sample, actor=actor, reason=_("Sampled and sealed"))
    CustodyEvent.objects.create(
        sample=sample, step=S.SAMPLED, at=sampled_at, by=actor, note=_("Seal %(seal)s") % {"seal": sample.seal_number}
    )
    return sample


def custody_move(*, actor, sample: Sample, step: str, at=None, note: str = "") -> CustodyEvent:
    """Move the (locked) sample one step along the chain and record the hand-over. The
    caller has checked who may do it; the table refuses any jump or step back."""
    at = at or timezone.now()
    if at > timezone.now():
        raise ValidationError({"at": _("A hand-over cannot be in the future.")})
    last = sample.custody.order_by("-at", "-id").first()
    if last is not None and at < last.at:
        raise ValidationError({"at": _("A hand-over cannot come before the previous one.")})
    label = SampleStatus(step).label if step in SampleStatus.values else step
    transition(obj=sample, to=step, table=CUSTODY, actor=actor, reason=(note or "").strip() or str(label))
    return CustodyEvent.objects.create(sample=sample, step=step, at=at, by=actor, note=(note or "").strip())


@transaction.atomic
def custody_advance(*, actor, sample: Sample, step: str, at=None, note: str = "") -> CustodyEvent:
    """The chain of custody in order only: sampled → sent → received → tested → reported →
    reviewed. Sending and receipt are recorded here; `tested` and `reported` are reached by
    entering the result, `reviewed` by reviewing it."""
    require_sample_writer(actor, sample)
    sample = locked_sample(sample)
    if step in (S.TESTED, S.REPORTED):
        raise ValidationError({"step": _("A sample is tested and reported by entering its result.")})
    if step == S.REVIEWED:
        raise ValidationError({"step": _("A sample is reviewed by reviewing its result.")})
    if step not in MANUAL_STEPS:
        raise ValidationError({"step": _("Unknown custody step.")})
    return custody_move(actor=actor, sample=sample, step=step, at=at, note=note)


def next_manual_step(sample: Sample) -> str | None:
    """The hand-over a page offers next, if it is one recorded by hand."""
    following = CUSTODY.get(sample.status, frozenset())
    return next((s for s in following if s in MANUAL_STEPS), None)
