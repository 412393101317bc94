"""The access sweep: every route × method × role against records of the user's own county,
a sibling county, the parent city and another city.

Outsiders get 404 (or 403, or 405 for a method the route never serves) and change nothing;
lists, filtered lists, exports, API lists, dashboards and reports never show a foreign row.
"""

import io
import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dairy_campaign.choices import AgencyKind, Role

from .access_routes import ROUTES, Route, site_routes
from .access_world import CITY, FOREIGN_TO, MARKERS, OWN, PLACES, ROLES

SITE = site_routes()
SWEPT_APPS = ("core", "licensing", "cases", "inspections", "sampling", "reports")
REFUSED = {403, 404, 405}

# The department that owns each kind of record: its members are the sharpest outsiders
# (they pass every role and kind check, only the jurisdiction stands in their way).
OWNER_KIND = {
    "operator": AgencyKind.QTS,
    "station": AgencyKind.AGR,
    "vehicle": AgencyKind.AGR,
    "licence": AgencyKind.QTS,
    "follow_up": AgencyKind.GOV,
    "register_import": AgencyKind.QTS,
    "intake_import": AgencyKind.QTS,
    "case": AgencyKind.AIC,
    "police_referral": AgencyKind.PSB,
    "evidence": AgencyKind.AIC,
    "listing": AgencyKind.FSO,
    "accountability": AgencyKind.FSO,
    "incident": AgencyKind.FSO,
    "complaint": AgencyKind.AIC,
    "reward": AgencyKind.AIC,
    "assignment": AgencyKind.FDA,
    "inspection": AgencyKind.FDA,
    "photo": AgencyKind.FDA,
    "measure": AgencyKind.FDA,
    "sweep": AgencyKind.GOV,
    "den": AgencyKind.AIC,
    "consignment": AgencyKind.CIQ,
    "self_report": AgencyKind.QTS,
    "lot": AgencyKind.QTS,
    "plan": AgencyKind.QTS,
    "plan_line": AgencyKind.QTS,
    "sample": AgencyKind.QTS,
    "result": AgencyKind.QTS,
    "referral": AgencyKind.AIC,
    "summary": AgencyKind.FSO,
    "export_job": AgencyKind.QTS,
    "letter": AgencyKind.FSO,
    "notification": AgencyKind.QTS,
    "user": AgencyKind.FSO,
    "agency_QTS": AgencyKind.FSO,
    "jurisdiction": AgencyKind.FSO,
}
# Records that belong to one person, not to a place: every other person is an outsider,
# the owner's own colleagues included.
PERSONAL = {"export_job", "notification"}
# `history/<label>/<pk>/`: every audited record kind of the world, by its model label.
HISTORY_LABELS = {
    "operator": "licensing.operator",
    "vehicle": "licensing.vehicle",
    "licence": "licensing.licence",
    "follow_up": "licensing.followupmeasure",
    "case": "cases.case",
    "police_referral": "cases.policereferral",
    "listing": "cases.listing",
    "accountability": "cases.accountability",
    "incident": "cases.incidentreport",
    "complaint": "cases.complaint",
    "reward": "cases.reward",
    "assignment": "inspections.assignment",
    "inspection": "inspections.inspection",
    "measure": "inspections.measure",
    "sweep": "inspections.sweep",
    "den": "inspections.den",
    "consignment": "inspections.consignment",
    "self_report": "inspections.selfinspectionreport",
    "lot": "sampling.lot",
    "plan": "sampling.samplingplan",
    "sample": "sampling.sample",
    "result": "sampling.labresult",
    "referral": "sampling.referral",
    "summary": "reports.summaryreport",
    "letter": "core.responsibilityletter",
    "user": "core.user",
}


def _swept(predicate) -> list[str]:
    return sorted(name for name, found in SITE.items() if name in ROUTES and predicate(ROUTES[name], found))


RECORD_ROUTES = _swept(lambda route, found: route.has_record)
LIST_ROUTES = _swept(lambda route, found: not route.has_record and not route.exempt)


def test_every_route_is_in_the_sweep():
    missing = sorted(set(SITE) - set(ROUTES))
    assert not missing, f"routes missing from the access sweep (add them to access_routes.ROUTES): {missing}"
    stale = sorted(set(ROUTES) - set(SITE))
    assert not stale, f"the sweep names routes that no longer exist: {stale}"


def test_every_exemption_gives_its_reason():
    assert all(len(route.exempt) > 15 for route in ROUTES.values() if route.exempt and not route.has_record)


# --- helpers ------------------------------------------------------------------------------


class Session:
    """One signed-in client per user, reused across a test."""

    def __init__(self):
        self._clients = {}

    def client(self, user) -> Client:
        if user.pk not in self._clients:
            client = Client()
            client.force_login(user)
            self._clients[user.pk] = client
        return self._clients[user.pk]


def _pk_of(record) -> str:
    return str(record.pk)  # a jurisdiction's pk is its code


def _url(name: str, route: Route, record=None, label: str = "") -> str:
    found = SITE[name]
    kwargs = dict(route.kwargs)
    arguments = found.arguments
    if record is not None:
        key = next(a for a in ("pk", "code", "case_pk") if a in arguments)
        kwargs[key] = _pk_of(record)
    if label:
        kwargs["label"] = label
    return reverse(name, kwargs=kwargs)


def _methods(name: str) -> list[str]:
    found = SITE[name]
    return found.api_methods if found.is_api else ["get", "post"]


def _send(client: Client, method: str, url: str, is_api: bool, data=None):
    if method == "get":
        return client.get(url, data or {})
    if is_api:
        return client.generic(method.upper(), url, json.dumps(data or {}), content_type="application/json")
    return client.post(url, data or {})


def _text(response) -> str:
    """What a person would read: a page, a JSON answer, every cell of a workbook, a file."""
    kind = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if "spreadsheetml" in kind and body.startswith(b"PK") and len(body) > 100:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
    return body.decode("utf-8", errors="replace")


def _foreign_markers(text: str, places) -> list[str]:
    return [MARKERS[code] for code in places if MARKERS[code] in text]


def _row(record) -> dict:
    return type(record)._base_manager.filter(pk=record.pk).values().first()


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in SWEPT_APPS and not model._meta.label.split(".")[1].startswith("Historical")
    }


def _outsiders(world, kind: str, name: str):
    """(user, the places whose records it tries). Each role of the county's owning
    department tries one foreign place, rotating with the route: every route meets all
    three (the sibling county, the parent city's own records, the other city) and, across
    the sweep, every role meets every place. The city's office tries the other city."""
    owner = OWNER_KIND[kind]
    turn = sum(map(ord, name))
    for index, role in enumerate(ROLES):
        yield world.user(OWN, owner, role), (FOREIGN_TO[OWN][(turn + index) % 3],)
    yield world.user(CITY, owner, Role.REVIEWER), FOREIGN_TO[CITY]
    yield world.user(CITY, AgencyKind.FSO, Role.REVIEWER), FOREIGN_TO[CITY]


def _personal_outsiders(world):
    """Everyone but the owner of each place's personal record faces all four of them."""
    yield world.user(OWN, AgencyKind.QTS, Role.INSPECTOR), PLACES
    yield world.user(OWN, AgencyKind.QTS, Role.ADMIN), PLACES
    yield world.user(CITY, AgencyKind.FSO, Role.REVIEWER), PLACES


def _targets(world, kind: str, places):
    """The records an outsider tries, as (record, history label)."""
    if kind == "*history":
        for record_kind, label in HISTORY_LABELS.items():
            for code in places:
                yield world.get(record_kind, code), label
        return
    for code in places:
        yield world.get(kind, code), ""


# --- the record sweep ---------------------------------------------------------------------


@pytest.mark.parametrize("name", RECORD_ROUTES)
def test_outsiders_get_404_and_change_nothing(world, name):
    route = ROUTES[name]
    is_api = SITE[name].is_api
    session = Session()
    kind = route.kind
    if kind in PERSONAL:
        outsiders = _personal_outsiders(world)
    else:
        outsiders = _outsiders(world, "user" if kind == "*history" else kind, name)
    before_counts = _counts()
    rows_before = {}
    failures = []
    for user, places in outsiders:
        client = session.client(user)
        # The user's own name carries its place's marker; its own place is never foreign.
        watched = [code for code in places if code != user.agency.jurisdiction_id]
        for record, label in _targets(world, kind, places):
            rows_before.setdefault((type(record), record.pk), (record, _row(record)))
            url = _url(name, route, record, label)
            # A record's history is read-only: its GET is the whole surface.
            for method in ["get"] if kind == "*history" else _methods(name):
                response = _send(client, method, url, is_api)
                who = f"{user.username} {method.upper()} {url}"
                if response.status_code not in REFUSED:
                    failures.append(f"{who} -> {response.status_code}")
                elif leaked := _foreign_markers(_text(response), watched):
                    failures.append(f"{who} -> {response.status_code} shows {leaked}")
    assert not failures, "\n".join(failures)
    changed = [f"{r!r}" for r, row in rows_before.values() if _row(r) != row]
    assert not changed, f"outsiders changed {changed}"
    assert _counts() == before_counts, "an outsider's request created or deleted rows"


@pytest.mark.parametrize("name", RECORD_ROUTES)
def test_the_owner_reaches_its_own_record(world, name):
    """The control: the same URL with the county's own record is not a 404, so the sweep
    above exercised the right record kind."""
    route = ROUTES[name]
    kind = route.kind
    if kind in PERSONAL:
        user = world.user(OWN, AgencyKind.QTS, Role.REVIEWER)
    elif kind == "*history":
        user = world.user(OWN, AgencyKind.FSO, Role.REVIEWER)
    else:
        role = Role.ADMIN if kind in ("user", "agency_QTS") else Role.REVIEWER
        user = world.user(OWN, OWNER_KIND[kind], role)
    client = Session().client(user)
    is_api = SITE[name].is_api
    failures = []
    for record, label in _targets(world, kind, [OWN]):
        url = _url(name, route, record, label)
        methods = _methods(name)
        method = "get" if "get" in methods else methods[0]
        response = _send(client, method, url, is_api)
        if method == "get" and response.status_code == 405:
            response = _send(client, "post", url, is_api)
        if response.status_code in (404, 500):
            failures.append(f"{method.upper()} {url} -> {response.status_code}")
        elif leaked := _foreign_markers(_text(response), FOREIGN_TO[OWN]):
            failures.append(f"{method.upper()} {url} shows foreign {leaked}")
    assert not failures, "\n".join(failures)


# --- lists, filters, exports, dashboards, reports ------------------------------------------


def _readers(world, kind: str | None):
    """The county's owning department (or its food safety office), a read-only viewer, an
    account admin and the police, who each read through their own branch of some lists;
    and the city's food safety office."""
    yield world.user(OWN, OWNER_KIND.get(kind, AgencyKind.FSO), Role.REVIEWER)
    yield world.user(OWN, AgencyKind.QTS, Role.VIEWER)
    yield world.user(OWN, AgencyKind.FSO, Role.ADMIN)
    yield world.user(OWN, AgencyKind.PSB, Role.REVIEWER)
    yield world.user(CITY, AgencyKind.FSO, Role.REVIEWER)


def _foreign_filters(world, code: str) -> dict:
    """Query parameters naming a foreign place or record, under every name lists filter on."""
    return {
        "jurisdiction": code,
        "county": code,
        "place": code,
        "code": code,
        "operator": world.get("operator", code).pk,
        "agency": world.get("agency_QTS", code).pk,
    }


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_lists_exports_and_reports_show_no_foreign_row(world, name):
    route = ROUTES[name]
    url = _url(name, route)
    session = Session()
    failures = []
    for index, user in enumerate(_readers(world, route.kind)):
        client = session.client(user)
        foreign = FOREIGN_TO[user.agency.jurisdiction_id]
        # Each reader filters on one foreign place, rotating, so every list meets them all.
        turn = (sum(map(ord, name)) + index) % len(foreign)
        variants = [{}, {"export": "xlsx"}, _foreign_filters(world, foreign[turn])]
        for query in variants:
            response = client.get(url, query)
            who = f"{user.username} GET {url}?{query}"
            if response.status_code >= 500:
                failures.append(f"{who} -> {response.status_code}")
            elif response.status_code == 302 and "/exports/" in response["Location"]:
                continue  # a large export goes to the worker, swept by the export routes
            elif leaked := _foreign_markers(_text(response), foreign):
                failures.append(f"{who} shows foreign rows {leaked}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", [n for n in LIST_ROUTES if ROUTES[n].kind])
def test_lists_show_the_own_county_rows(world, name):
    """The control: each list shows its own county's record to the owning department, so
    the sweep above looked at a list that lists something."""
    route = ROUTES[name]
    kind = route.kind
    if kind in PERSONAL:
        user = world.user(OWN, AgencyKind.QTS, Role.REVIEWER)
    elif name == "assignment-mine":
        user = world.user(OWN, AgencyKind.FDA, Role.INSPECTOR)
    else:
        role = Role.ADMIN if kind in ("user", "agency_QTS") else Role.REVIEWER
        user = world.user(OWN, OWNER_KIND[kind], role)
    response = Session().client(user).get(_url(name, route))
    assert response.status_code == 200
    assert MARKERS[OWN] in _text(response)
