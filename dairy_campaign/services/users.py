"""Accounts: created and changed by administrators within their jurisdiction."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from ..choices import Role
from ..models import Agency, User
from .audit import audited_save


def user_record_login(sender, user, **kwargs):
    """Stamp last_login without a history row: logging in does not change the account."""
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())


def require_admin(user):
    """Account pages and endpoints are for account administrators only."""
    if not (user.is_superuser or getattr(user, "role", None) == Role.ADMIN):
        raise PermissionDenied(_("Only account administrators manage accounts."))


def _check_admin_over(actor, record: Agency | User):
    if not type(record).objects.editable_by(actor).filter(pk=record.pk).exists():
        raise PermissionDenied(_("You can only manage accounts of your own jurisdiction and below."))


@transaction.atomic
def user_create(
    *, actor, username: str, full_name: str, agency: Agency, role: str, password: str, email: str = "", phone: str = ""
) -> User:
    _check_admin_over(actor, agency)
    user = User(username=username, full_name=full_name, agency=agency, role=role, email=email, phone=phone)
    validate_password(password, user)
    user.set_password(password)
    return audited_save(user, actor=actor, reason=_("Account created"))


@transaction.atomic
def user_update(*, actor, user: User, reason: str, **fields) -> User:
    allowed = {"full_name", "email", "phone", "agency", "role", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    _check_admin_over(actor, user)
    if "agency" in fields:
        _check_admin_over(actor, fields["agency"])
    if user.pk == actor.pk and (fields.get("is_active") is False or fields.get("role", Role.ADMIN) != Role.ADMIN):
        raise ValidationError(_("You cannot demote or deactivate your own account."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the change."))
    for name, value in fields.items():
        setattr(user, name, value)
    return audited_save(user, actor=actor, reason=reason)


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    _check_admin_over(actor, user)
    validate_password(password, user)
    user.set_password(password)
    return audited_save(user, actor=actor, reason=_("Password reset by an administrator"))


@transaction.atomic
def user_token_revoke(*, actor, user: User) -> bool:
    """Revoke `user`'s API token at once: the next request carrying it gets a 401. Users revoke
    their own token; administrators that of an account of their jurisdiction or below (a lost
    laptop, a hotline system replaced). Recorded in the account's history. Returns whether
    there was a token to revoke."""
    if actor.pk != user.pk:
        require_admin(actor)
        _check_admin_over(actor, user)
    deleted, _by_model = Token.objects.filter(user=user).delete()
    if deleted:
        audited_save(user, actor=actor, reason=_("API token revoked"), validate=False)
    return bool(deleted)
