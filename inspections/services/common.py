from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dairy_campaign.ownership import WRITE_ROLES


def require_field_role(actor):
    """Field work is done in a department's name: even a superuser needs one to file."""
    if actor.agency_id is None or (not actor.is_superuser and actor.role not in WRITE_ROLES):
        raise PermissionDenied(_("Your role does not file inspections."))
