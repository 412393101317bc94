"""Reads for licensing pages and the API: always starting from visible_to(user)."""

from django.db.models import Count, Q
from django.db.models.functions import Substr

from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import scope_prefix

from .models import Licence, LicenceStatus, LicenceType, ReviewOutcome

S = LicenceStatus
IN_FORCE = [S.GRANTED, S.UNDER_REVIEW]
DECIDED = [S.GRANTED, S.UNDER_REVIEW, S.RECTIFYING, S.REVOKED, S.CANCELLED, S.EXPIRED, S.CLOSED]


def review_coverage(user, place: Jurisdiction) -> list[dict]:
    """L1: every production licence is re-reviewed in the investigation phase. For each
    jurisdiction directly below `place` (or `place` itself at county level): licences,
    re-reviewed, passed, failed, pending — one aggregate query."""
    children = list(place.children.order_by("code")) or [place]
    width = len(scope_prefix(children[0].code))
    rows = (
        Licence.objects.visible_to(user)
        .filter(type=LicenceType.PRODUCTION, status__in=DECIDED, operator__county__code__startswith=place.prefix)
        .annotate(area=Substr("operator__county_id", 1, width))
        .values("area")
        .annotate(
            total=Count("id"),
            reviewed=Count("id", filter=Q(reviewed_on__isnull=False)),
            passed=Count("id", filter=Q(review_outcome=ReviewOutcome.PASSED)),
            failed=Count("id", filter=Q(review_outcome=ReviewOutcome.FAILED)),
        )
    )
    by_area = {r["area"]: r for r in rows}
    table = []
    for child in children:
        r = by_area.get(child.prefix, {"total": 0, "reviewed": 0, "passed": 0, "failed": 0})
        table.append(
            {
                "jurisdiction": child,
                **{k: r[k] for k in ("total", "reviewed", "passed", "failed")},
                "pending": r["total"] - r["reviewed"],
            }
        )
    return table
