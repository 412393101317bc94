"""Foreign ids in foreign-key fields: every API write and every page form that names a
record by id refuses another jurisdiction's record (400 / a form error) and creates nothing.

The fields are found, not listed: the API's request serializers come from the OpenAPI
schema generator, the pages' from the forms their GET renders; a new field is swept the
day it is added.
"""

import functools
import re

import pytest
from django import forms
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from dairy_campaign.choices import AgencyKind, Role

from .access_routes import ROUTES
from .access_world import CITY, OTHER, OWN, SIBLING
from .test_access_sweep import OWNER_KIND, PERSONAL, SITE, _counts, _send, _url

WRITES = ("POST", "PUT", "PATCH")
REFUSED = {400, 403, 404, 405}
# The places whose records a county's form must never take. The parent city is left out:
# its departments and people are above the county (a transfer goes to the city's police).
FOREIGN = (SIBLING, OTHER)


@functools.cache
def api_writes() -> list[tuple[str, str, type]]:
    """(route name, method, request serializer class) of every API write."""
    by_callback = {id(found.pattern.callback): name for name, found in SITE.items() if found.is_api}
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    writes = []
    for path, path_regex, method, callback in generator.endpoints:
        name = by_callback.get(id(callback))
        if method not in WRITES or name is None or ROUTES[name].exempt:
            continue
        view = generator.create_view(callback, method)
        schema = view.schema
        schema.view, schema.method, schema.path, schema.path_regex = view, method, path, path_regex
        serializer = schema.get_request_serializer()
        if isinstance(serializer, serializers.ListSerializer):
            serializer = serializer.child
        if serializer is None:
            continue
        writes.append((name, method.lower(), serializer if isinstance(serializer, type) else type(serializer)))
    return sorted(writes, key=lambda w: (w[0], w[1]))


def _relations(serializer_class, user) -> dict[str, object]:
    """The serializer's writable fields that take a record by id, with their model."""
    request = Request(APIRequestFactory().post("/"))
    request.user = user
    found = {}
    for name, field in serializer_class(context={"request": request}).fields.items():
        if field.read_only:
            continue
        relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
        if isinstance(relation, serializers.RelatedField) and relation.queryset is not None:
            found[name] = (relation.queryset, isinstance(field, serializers.ManyRelatedField))
        elif isinstance(field, serializers.ListField) and isinstance(field.child, serializers.RelatedField):
            found[name] = (field.child.queryset, True)
    return found


def _foreign_records(world, model, queryset=None) -> list:
    """The world's records of `model` in the sibling county and the other city; those the
    field's own unscoped choices hold when it has any (a police unit field: the police)."""
    records = [
        record
        for places in world.objects.values()
        for code, record in places.items()
        if code in FOREIGN and isinstance(record, model)
    ]
    if queryset is not None:
        held = set(queryset.filter(pk__in=[r.pk for r in records]).values_list("pk", flat=True))
        records = [r for r in records if r.pk in held] or records
    return records


def _writer(world, kind: str | None, role: str):
    if kind in PERSONAL or kind is None:
        return world.user(OWN, AgencyKind.QTS, role)
    return world.user(OWN, OWNER_KIND[kind], Role.ADMIN if kind in ("user", "agency_QTS") else role)


def _names_field(body: str, field: str) -> bool:
    return re.search(rf'"{re.escape(field)}"\s*:', body) is not None


API_WRITES = [pytest.param(name, method, ser, id=f"{name}-{method}") for name, method, ser in api_writes()]


@pytest.mark.parametrize(("name", "method", "serializer_class"), API_WRITES)
def test_api_writes_refuse_foreign_ids(world, name, method, serializer_class):
    route = ROUTES[name]
    record = world.get(route.kind, OWN) if route.has_record else None
    url = _url(name, route, record)
    before = _counts()
    failures = []
    for role in (Role.REVIEWER, Role.INSPECTOR, Role.CLERK):
        user = _writer(world, route.kind, role)
        relations = _relations(serializer_class, user)
        client = Client()
        client.force_login(user)
        for field, (queryset, many) in relations.items():
            for foreign in _foreign_records(world, queryset.model, queryset):
                value = [foreign.pk] if many else foreign.pk
                response = _send(client, method, url, True, {field: value})
                body = response.content.decode()
                who = f"{user.username} {method.upper()} {url} {field}={value}"
                if response.status_code not in REFUSED:
                    failures.append(f"{who} -> {response.status_code}")
                elif response.status_code == 400 and not _names_field(body, field):
                    failures.append(f"{who} -> 400 without an error on {field}: {body[:200]}")
    assert not failures, "\n".join(failures)
    assert _counts() == before, "a write naming a foreign record created or deleted rows"


# --- page forms ---------------------------------------------------------------------------


def _forms_in(response) -> list[forms.BaseForm]:
    found = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            candidates = value if isinstance(value, list | tuple) else [value]
            for candidate in candidates:
                if isinstance(candidate, dict):
                    candidates = [*candidates, *candidate.values()]
                if isinstance(candidate, forms.BaseForm) and all(candidate is not f for f in found):
                    found.append(candidate)
    return found


def _choice_fields(form: forms.BaseForm) -> dict[str, tuple]:
    return {
        name: (field.queryset, isinstance(field, forms.ModelMultipleChoiceField))
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None
    }


PAGE_FORMS = sorted(name for name, found in SITE.items() if not found.is_api and ROUTES[name].kind != "*history")


@pytest.mark.parametrize("name", [n for n in PAGE_FORMS if not ROUTES[n].exempt])
def test_page_forms_refuse_foreign_ids(world, name):
    route = ROUTES[name]
    record = world.get(route.kind, OWN) if route.has_record else None
    url = _url(name, route, record)
    before = _counts()
    failures = []
    for role in (Role.REVIEWER, Role.INSPECTOR, Role.CLERK):
        user = _writer(world, route.kind, role)
        client = Client()
        client.force_login(user)
        page = client.get(url)
        if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
            continue
        for form in _forms_in(page):
            for field, (queryset, many) in _choice_fields(form).items():
                key = form.add_prefix(field)
                for foreign in _foreign_records(world, queryset.model):
                    value = [foreign.pk] if many else foreign.pk
                    response = client.post(url, {key: value})
                    who = f"{user.username} POST {url} {key}={value}"
                    if response.status_code in (403, 404, 405):
                        pass
                    elif response.status_code in (200, 400):
                        # Only a form bound to this POST answered it (a page may re-render its
                        # other forms blank).
                        bound = [f for f in _forms_in(response) if f.prefix == form.prefix and f.is_bound]
                        if bound and not any(field in f.errors for f in bound):
                            failures.append(f"{who} -> {response.status_code} without an error on {field}")
                    else:
                        failures.append(f"{who} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _counts() == before, "a write naming a foreign record created or deleted rows"


# --- bulk writes that name records by plain ids -------------------------------------------


def _read_at(world) -> list:
    notes = [world.get("notification", code) for code in (OWN, SIBLING, CITY, OTHER)]
    return [type(note)._base_manager.get(pk=note.pk).read_at for note in notes]


@pytest.mark.parametrize(
    ("url", "payload", "is_api"),
    [
        ("/inbox/read/", lambda ids: {"id": ids}, False),
        ("/api/v1/notifications/mark-read/", lambda ids: {"ids": ids}, True),
        ("/inbox/read/", lambda ids: {"all": "1"}, False),
        ("/api/v1/notifications/mark-read/", lambda ids: {}, True),
    ],
)
def test_marking_notifications_read_touches_only_ones_own(world, url, payload, is_api):
    """An inbox is personal: another person's notifications, named by id or swept up by
    "mark all", stay unread."""
    user = world.user(OWN, AgencyKind.QTS, Role.INSPECTOR)  # every world notification is someone else's
    client = Client()
    client.force_login(user)
    ids = [world.get("notification", code).pk for code in (OWN, SIBLING, CITY, OTHER)]
    response = _send(client, "post", url, is_api, payload(ids))
    assert response.status_code in (200, 302)
    assert _read_at(world) == [None, None, None, None]
