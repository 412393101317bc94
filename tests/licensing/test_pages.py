import datetime

import pytest
from django.urls import reverse

from dairy_campaign.choices import AgencyKind, Role
from licensing.models import Licence, LicenceStatus, LicenceType, Operator, OperatorKind

from ..factories import member, place
from .factories import LicenceFactory, OperatorFactory, valid_credit_code

pytestmark = pytest.mark.django_db
S = LicenceStatus


def test_the_register_lists_filters_and_exports_only_the_users_scope(client):
    mine = OperatorFactory(name="江宁甲乳业")
    OperatorFactory(name="睢宁乙乳业", county=place("320324"))
    client.force_login(member("320115", AgencyKind.QTS, Role.VIEWER))
    response = client.get(reverse("operator_list"), {"kind": OperatorKind.DAIRY_PRODUCER})
    assert list(response.context["object_list"]) == [mine]
    export = client.get(reverse("operator_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


@pytest.mark.parametrize("name", ["operator_detail", "operator_edit", "licence_new", "vehicle_new"])
def test_another_countys_operator_is_a_404(client, name):
    foreign = OperatorFactory(county=place("320324"))
    client.force_login(member("320115", AgencyKind.QTS, Role.REVIEWER))
    assert client.get(reverse(name, args=[foreign.pk])).status_code == 404


def test_another_countys_licence_is_a_404(client):
    foreign = LicenceFactory(operator=OperatorFactory(county=place("320324")))
    client.force_login(member("320115", AgencyKind.QTS, Role.REVIEWER))
    assert client.get(reverse("licence_detail", args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("licence_decide", args=[foreign.pk, "refuse"]), {"refuse-reason": "x"}).status_code == 404
    )


def test_an_inspector_registers_an_operator_in_the_page(client):
    client.force_login(member("320115", AgencyKind.QTS, Role.INSPECTOR))
    code = valid_credit_code()
    response = client.post(
        reverse("operator_new"),
        {
            "kind": OperatorKind.DAIRY_PRODUCER,
            "name": "新建乳品厂",
            "credit_code": code,
            "county": "320115",
            "address": "江宁区某路",
            "arrangement": "self_run",
        },
    )
    operator = Operator.objects.get(credit_code=code)
    assert response.status_code == 302 and response.url == reverse("operator_detail", args=[operator.pk])


def test_a_bad_credit_code_in_the_page_is_shown_and_nothing_saved(client):
    client.force_login(member("320115", AgencyKind.QTS, Role.INSPECTOR))
    response = client.post(
        reverse("operator_new"),
        {
            "kind": OperatorKind.DAIRY_PRODUCER,
            "name": "新建乳品厂",
            "credit_code": "913201150000000000",
            "county": "320115",
            "address": "江宁区某路",
            "arrangement": "self_run",
        },
    )
    assert response.status_code == 200 and "credit_code" in response.context["form"].errors
    assert not Operator.objects.exists()


def test_a_viewer_cannot_decide_or_apply(client):
    licence = LicenceFactory(status=S.APPLIED)
    client.force_login(member("320115", AgencyKind.QTS, Role.VIEWER))
    page = client.get(reverse("licence_detail", args=[licence.pk]))
    assert page.context["actions"] == []
    assert (
        client.post(reverse("licence_decide", args=[licence.pk, "refuse"]), {"refuse-reason": "x"}).status_code == 403
    )
    assert client.get(reverse("licence_new", args=[licence.operator_id])).status_code == 403


def test_a_reviewer_grants_in_the_page_and_a_bad_form_is_a_400_that_changes_nothing(client):
    licence = LicenceFactory(status=S.APPLIED)
    client.force_login(member("320115", AgencyKind.QTS, Role.REVIEWER))
    bad = client.post(reverse("licence_decide", args=[licence.pk, "grant"]), {"grant-reason": "符合条件"})
    assert bad.status_code == 400
    licence.refresh_from_db()
    assert licence.status == S.APPLIED
    good = client.post(
        reverse("licence_decide", args=[licence.pk, "grant"]),
        {
            "grant-reason": "符合条件",
            "grant-number": "QS3201-1",
            "grant-issued_on": "2026-11-01",
            "grant-expires_on": "2031-10-31",
        },
    )
    assert good.status_code == 302
    licence.refresh_from_db()
    assert licence.status == S.GRANTED and licence.number == "QS3201-1"


def test_the_re_review_page_counts_per_jurisdiction_L1(client):
    LicenceFactory(status=S.GRANTED, number="A", reviewed_on=datetime.date(2026, 6, 1), review_outcome="passed")
    LicenceFactory(status=S.RECTIFYING, number="B", reviewed_on=datetime.date(2026, 6, 1), review_outcome="failed")
    LicenceFactory(status=S.GRANTED, number="C")
    LicenceFactory(status=S.GRANTED, number="D", operator=OperatorFactory(county=place("320102")))
    LicenceFactory(status=S.REFUSED)  # never granted: not counted
    LicenceFactory(status=S.GRANTED, number="E", operator=OperatorFactory(county=place("320324")))  # Xuzhou
    client.force_login(member("320100", AgencyKind.QTS, Role.VIEWER))
    rows = {r["jurisdiction"].code: r for r in client.get(reverse("review_coverage")).context["rows"]}
    assert len(rows) == 11
    assert {k: rows["320115"][k] for k in ("total", "reviewed", "passed", "failed", "pending")} == {
        "total": 3,
        "reviewed": 2,
        "passed": 1,
        "failed": 1,
        "pending": 1,
    }
    assert rows["320102"]["pending"] == 1 and rows["320104"]["total"] == 0


def test_the_province_sees_coverage_per_city(client):
    LicenceFactory(status=S.GRANTED, number="A")
    LicenceFactory(status=S.GRANTED, number="E", operator=OperatorFactory(county=place("320324")))
    client.force_login(member("320000", AgencyKind.FSO, Role.VIEWER))
    rows = {r["jurisdiction"].code: r["total"] for r in client.get(reverse("review_coverage")).context["rows"]}
    assert len(rows) == 13 and rows["320100"] == 1 and rows["320300"] == 1


def test_follow_ups_list_overdue_ones(client, county_departments, time_machine):
    from licensing.services.licences import licence_withdraw

    time_machine.move_to(datetime.datetime(2026, 6, 1, 2, tzinfo=datetime.UTC))
    licence = LicenceFactory(status=S.RECTIFYING, number="Q")
    licence_withdraw(
        actor=member("320115", AgencyKind.QTS, Role.REVIEWER),
        licence=licence,
        to=S.REVOKED,
        reason="整改不合格",
        legal_basis="条例",
        document_number="撤1",
    )
    time_machine.move_to(datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC))
    client.force_login(member("320115", AgencyKind.GOV, Role.CLERK))
    overdue = client.get(reverse("follow_up_list"), {"state": "overdue"}).context["object_list"]
    assert len(overdue) == 2


def test_list_pages_do_not_grow_queries_with_rows(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member("320115", AgencyKind.QTS, Role.VIEWER))
    LicenceFactory(status=S.GRANTED, number="1")
    counts = []
    for n in (2, 30):
        for i in range(n):
            LicenceFactory(status=S.GRANTED, number=f"{n}-{i}", type=LicenceType.PRODUCTION)
        for url in ("operator_list", "licence_list"):
            with CaptureQueriesContext(connection) as q:
                client.get(reverse(url))
            counts.append((url, len(q)))
    assert counts[0] == counts[2] and counts[1] == counts[3]
    assert Licence.objects.count() == 33


def test_the_operator_page_costs_the_same_queries_for_more_licences(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    operator = OperatorFactory()
    client.force_login(member("320115", AgencyKind.QTS, Role.VIEWER))
    counts = []
    for n in (1, 10):
        for i in range(n):
            LicenceFactory(operator=operator, status=S.GRANTED, number=f"{n}-{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("operator_detail", args=[operator.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
