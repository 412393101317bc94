from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dairy_campaign.choices import AgencyKind
from dairy_campaign.models import Agency, Jurisdiction
from dairy_campaign.ownership import DECIDE_ROLES


def require_editable(actor, record, *, decide: bool = False):
    """The actor may write `record` (scope and ownership) and, for decisions, is a reviewer."""
    if not type(record).objects.editable_by(actor).filter(pk=record.pk).exists():
        raise PermissionDenied(_("Your department does not keep this record."))
    if decide and not actor.is_superuser and actor.role not in DECIDE_ROLES:
        raise PermissionDenied(_("Only reviewers of the owning department take this decision."))


def agency_near(kind: str, place: Jurisdiction) -> Agency | None:
    """The `kind` department of `place`, or of the nearest level above that has one."""
    codes = [place.code] + [a.code for a in reversed(place.ancestors())]
    found = {a.jurisdiction_id: a for a in Agency.objects.filter(kind=kind, jurisdiction_id__in=codes)}
    return next((found[c] for c in codes if c in found), None)


def agency_near_required(kind: str, place: Jurisdiction) -> Agency:
    """`agency_near`, refusing with a clear message when no such department is set up, so
    that work is never assigned to nobody."""
    agency = agency_near(kind, place)
    if agency is None:
        raise ValidationError(
            _("No %(kind)s department is set up for %(place)s.") % {"kind": AgencyKind(kind).label, "place": place}
        )
    return agency
