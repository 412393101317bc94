"""Reads other apps use to show the cases their records opened."""

from django.contrib.contenttypes.models import ContentType

from .models import Case


def cases_for_sources(records) -> dict:
    """{record pk: case} for the records (of one model) that opened a case."""
    records = list(records)
    if not records:
        return {}
    source_type = ContentType.objects.get_for_model(records[0])
    ids = {str(r.pk): r.pk for r in records}
    found = Case.objects.filter(source_type=source_type, source_id__in=list(ids))
    return {ids[case.source_id]: case for case in found}
