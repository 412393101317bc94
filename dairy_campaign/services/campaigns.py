"""The campaign calendar (P1) and the responsibility letters signed level by level (P2)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Campaign, Jurisdiction, Phase, ResponsibilityLetter
from ..models.campaigns import PhaseKind
from ..scoping import may_write
from ..uploads import upload_sha256, validate_document
from .audit import audited_save


def local_today() -> datetime.date:
    """Today in Asia/Shanghai, whatever the server clock's zone."""
    return timezone.localdate()


def plan_phases(year: int) -> dict[str, tuple[datetime.date, datetime.date]]:
    """P1: investigation & rectification Apr–Nov, supervisory inspection in August,
    summary in December."""
    d = datetime.date
    return {
        PhaseKind.INVESTIGATION: (d(year, 4, 1), d(year, 11, 30)),
        PhaseKind.SUPERVISION: (d(year, 8, 1), d(year, 8, 31)),
        PhaseKind.SUMMARY: (d(year, 12, 1), d(year, 12, 31)),
    }


@transaction.atomic
def campaign_create(*, year: int, actor=None, name: str = "") -> Campaign:
    """A campaign for `year` with the plan's phases and the 12-30 summary deadline (P1)."""
    if Campaign.objects.filter(year=year).exists():
        raise ValidationError(_("A campaign for %(year)d already exists.") % {"year": year})
    campaign = Campaign(
        year=year,
        name=name or _("%(year)d dairy products rectification campaign") % {"year": year},
        starts_on=datetime.date(year, 4, 1),
        ends_on=datetime.date(year, 12, 31),
        summary_deadline=datetime.date(year, 12, 30),
    )
    audited_save(campaign, actor=actor, reason=_("Campaign created"))
    for kind, (start, end) in plan_phases(year).items():
        audited_save(
            Phase(campaign=campaign, kind=kind, starts_on=start, ends_on=end), actor=actor, reason=_("Campaign created")
        )
    return campaign


def campaign_current(today: datetime.date | None = None) -> Campaign | None:
    """The campaign of this year, or else the latest one."""
    today = today or local_today()
    return Campaign.objects.filter(year=today.year).first() or Campaign.objects.first()


def phases_on(campaign: Campaign, day: datetime.date) -> list[Phase]:
    return [p for p in campaign.phases.all() if p.includes(day)]


def letters_status(
    *, campaign: Campaign, issuer: Jurisdiction
) -> list[tuple[Jurisdiction, ResponsibilityLetter | None]]:
    """P2: each jurisdiction directly below `issuer`, with its signed letter or None."""
    letters = {
        letter.jurisdiction_id: letter
        for letter in ResponsibilityLetter.objects.filter(campaign=campaign, issuer=issuer)
    }
    return [(child, letters.get(child.code)) for child in issuer.children.order_by("code")]


@transaction.atomic
def letter_record(
    *,
    actor,
    campaign: Campaign,
    jurisdiction: Jurisdiction,
    signed_on: datetime.date,
    issuer_signatory: str,
    signatory: str,
    document,
) -> ResponsibilityLetter:
    """P2: record the letter the actor's level signed with a level directly below it."""
    if not may_write(actor, "responsibility_letter"):
        raise PermissionDenied(_("Only the food safety office or government of the issuing level records letters."))
    issuer = actor.jurisdiction
    if jurisdiction.parent_id != issuer.code:
        raise ValidationError({"jurisdiction": _("Choose a jurisdiction directly below yours.")})
    if ResponsibilityLetter.objects.filter(campaign=campaign, jurisdiction=jurisdiction).exists():
        raise ValidationError({"jurisdiction": _("A letter with this jurisdiction is already recorded.")})
    if signed_on > local_today():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    validate_document(document)
    letter = ResponsibilityLetter(
        campaign=campaign,
        issuer=issuer,
        jurisdiction=jurisdiction,
        signed_on=signed_on,
        issuer_signatory=issuer_signatory,
        signatory=signatory,
        recorded_by=actor,
        document_sha256=upload_sha256(document),
    )
    letter.document.save(document.name, document, save=False)
    try:
        with transaction.atomic():
            return audited_save(letter, actor=actor, reason=_("Responsibility letter recorded"))
    except IntegrityError:
        # Another clerk recorded the same letter a moment ago.
        letter.document.delete(save=False)
        raise ValidationError({"jurisdiction": _("A letter with this jurisdiction is already recorded.")}) from None
