from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dairy_campaign.ownership import DECIDE_ROLES, WRITE_ROLES


def require_editable(actor, record):
    """The actor's department keeps `record`, within its jurisdiction, with a writing role."""
    if not type(record).objects.editable_by(actor).filter(pk=record.pk).exists():
        raise PermissionDenied(_("Your department does not keep this record."))


def require_reviewer(actor, record):
    require_editable(actor, record)
    if not actor.is_superuser and actor.role not in DECIDE_ROLES:
        raise PermissionDenied(_("Only reviewers of the department take this decision."))


def require_field_role(actor):
    """Field work is done in a department's name: even a superuser needs one to file."""
    if actor.agency_id is None or (not actor.is_superuser and actor.role not in WRITE_ROLES):
        raise PermissionDenied(_("Your role does not file inspections."))
