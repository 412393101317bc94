"""Scoping, one mechanism: `visible_to(user)` and `editable_by(user)` on querysets.

A user sees the records of its jurisdiction and of everything below it; it writes only
records of a domain its agency kind owns (`ownership.OWNERS`), and only with a writing
role. Jurisdiction codes follow GB/T 2260, so "below" is a code prefix: 32 for the
province, 3201 for Nanjing, 320102 for Xuanwu district.
"""

from django.db import models

from .ownership import WRITE_ROLES, kinds_owning, owned_values

COUNTY_CODE_LENGTH = 6


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def scope_prefix(code: str) -> str:
    """The code prefix shared by a jurisdiction and every jurisdiction below it."""
    return {"province": code[:2], "city": code[:4], "county": code}[level_of(code)]


def user_scope_prefix(user) -> str | None:
    """None for a user who sees nothing (anonymous, or without an agency)."""
    if not user.is_authenticated:
        return None
    agency = getattr(user, "agency", None)
    if agency is None:
        return None
    return scope_prefix(agency.jurisdiction_id)


def user_kind(user) -> str | None:
    agency = getattr(user, "agency", None) if user.is_authenticated else None
    return agency.kind if agency else None


def may_write(user, domain: str) -> bool:
    """Whether `user` writes records of `domain` at its own level (role and agency kind)."""
    return (
        user.is_authenticated and getattr(user, "role", None) in WRITE_ROLES and user_kind(user) in kinds_owning(domain)
    )


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every scoped model.

    Subclasses set:
    - `scope_field`: path to the record's Jurisdiction (e.g. "operator__county");
    - `owner_domain`: key into OWNERS for records one set of agency kinds writes, or
    - `owner_kind_field`: path to a field holding the owning agency kind per row, or
    - `owner_prefix` + `owner_value_field`: rows whose `<prefix>.<value>` domain in OWNERS
      lists the user's kind (e.g. "licence" + "type": QTS writes production licences).
    """

    scope_field = "jurisdiction"
    owner_domain: str | None = None
    owner_kind_field: str | None = None
    owner_prefix: str | None = None
    owner_value_field: str | None = None

    def within(self, prefix: str):
        if len(prefix) == COUNTY_CODE_LENGTH:
            # A county is a leaf of the tree: "starts with" its code is "equals" it, and an
            # equality lets a county's lists walk an index in their order (issue #8).
            return self.filter(**{self.scope_field: prefix})
        return self.filter(**{f"{self.scope_field}__code__startswith": prefix})

    def visible_to(self, user):
        if user.is_authenticated and user.is_superuser:
            return self.all()
        prefix = user_scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.within(prefix)

    def editable_by(self, user):
        visible = self.visible_to(user)
        if user.is_authenticated and user.is_superuser:
            return visible
        if getattr(user, "role", None) not in WRITE_ROLES:
            return self.none()
        if self.owner_domain and not may_write(user, self.owner_domain):
            return self.none()
        if self.owner_kind_field:
            visible = visible.filter(**{self.owner_kind_field: user_kind(user)})
        if self.owner_prefix:
            owned = owned_values(self.owner_prefix, user_kind(user))
            visible = visible.filter(**{f"{self.owner_value_field}__in": owned})
        return visible
