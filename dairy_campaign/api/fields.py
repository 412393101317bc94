"""A record named by id in an API payload exists only if the caller sees it."""

from rest_framework import serializers

from ..scoping import level_of


def levels_above(code: str) -> list[str]:
    """The codes of the city and province above a jurisdiction (GB/T 2260 prefixes)."""
    return {"county": [code[:4] + "00", code[:2] + "0000"], "city": [code[:2] + "0000"], "province": []}[level_of(code)]


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key among `queryset.visible_to(caller)`: another jurisdiction's record is
    refused as an unknown id (400 on the field), never linked.

    `upward=True` also admits the records of the levels above the caller's, whom a county
    legitimately names: the city's police for a transfer, the city's officers for a task force.
    """

    def __init__(self, *, upward: bool = False, **kwargs):
        self.upward = upward
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        visible = queryset.visible_to(user)
        agency = getattr(user, "agency", None)
        if self.upward and agency is not None and not user.is_superuser:
            path = getattr(queryset, "scope_field", "jurisdiction")
            visible = visible | queryset.filter(**{f"{path}__in": levels_above(agency.jurisdiction_id)})
        return visible
