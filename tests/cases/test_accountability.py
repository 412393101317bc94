"""C1: accountability of the local government and department heads for a den left in place
or over-limit powder that re-entered the supply: who records it, where, and what it holds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Accountability, AccountabilityTrigger
from cases.services.accountability import accountability_record, clean_officials, officials_text
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.services.campaigns import local_today

from ..factories import member, place
from .factories import CaseFactory

pytestmark = pytest.mark.django_db

OFFICIALS = [
    {"name": "刘某某", "position": "淳化街道办事处副主任", "unit": "江宁区淳化街道办事处"},
    {"name": "陈某某", "position": "分局局长"},
]


@pytest.fixture
def gov():
    return member("320100", AgencyKind.GOV, Role.CLERK)


def fields(**overrides):
    values = {
        "jurisdiction": place("320115"),
        "trigger": AccountabilityTrigger.DEN_LEFT,
        "facts": "清查发现该窝点后未及时取缔，继续囤积乳粉近一个月。",
        "officials": OFFICIALS,
        "measures": "诫勉谈话，责令书面检查。",
        "decided_on": datetime.date(2026, 11, 20),
        "document_number": "宁政问责〔2026〕2号",
    }
    return {**values, **overrides}


def test_C1_a_city_government_records_accountability_for_a_den_left_in_a_county(gov):
    record = accountability_record(actor=gov, **fields(concerned="青龙村出租库房乳粉囤积点"))
    assert (record.jurisdiction_id, record.trigger, record.recorded_by) == ("320115", "den_left", gov)
    assert record.officials == [
        {"name": "刘某某", "position": "淳化街道办事处副主任", "unit": "江宁区淳化街道办事处"},
        {"name": "陈某某", "position": "分局局长", "unit": ""},
    ]
    assert record.facts.startswith("Den or lot concerned: 青龙村出租库房乳粉囤积点\n\n清查发现")
    assert record.history.count() == 1


def test_C1_a_food_safety_office_records_accountability_for_powder_that_re_entered_the_supply():
    office = member("320000", AgencyKind.FSO, Role.REVIEWER)
    case = CaseFactory()
    record = accountability_record(
        actor=office, **fields(trigger=AccountabilityTrigger.POWDER_REENTERED, case=case, jurisdiction=place("320100"))
    )
    assert record.case == case and record.get_trigger_display() == "Over-limit powder re-entered the supply"


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (AgencyKind.GOV, Role.VIEWER),
        (AgencyKind.FSO, Role.VIEWER),
        (AgencyKind.FSO, Role.ADMIN),
        (AgencyKind.AIC, Role.REVIEWER),
        (AgencyKind.QTS, Role.INSPECTOR),
        (AgencyKind.PSB, Role.REVIEWER),
    ],
)
def test_C1_accountability_is_recorded_only_by_writing_members_of_offices_and_governments(kind, role):
    with pytest.raises(PermissionDenied):
        accountability_record(actor=member("320100", kind, role), **fields())
    assert not Accountability.objects.exists()


@pytest.mark.parametrize("code", ["320324", "320000"])
def test_C1_the_jurisdiction_held_to_account_lies_within_the_actors(gov, code):
    with pytest.raises(ValidationError) as refused:
        accountability_record(actor=gov, **fields(jurisdiction=place(code)))
    assert "jurisdiction" in refused.value.message_dict


def test_C1_a_county_government_records_for_its_own_county_but_not_its_neighbour():
    county = member("320115", AgencyKind.GOV, Role.CLERK)
    assert accountability_record(actor=county, **fields()).jurisdiction_id == "320115"
    with pytest.raises(ValidationError):
        accountability_record(actor=county, **fields(jurisdiction=place("320102")))


@pytest.mark.parametrize(
    ("officials", "problem"),
    [
        ([], "at least one official"),
        ([{"name": "", "position": "", "unit": ""}], "at least one official"),
        ([{"name": "刘某某", "position": ""}], "Official 1: give a name and a position."),
        ([OFFICIALS[0], {"position": "副局长"}], "Official 2: give a name and a position."),
        ([{"name": "刘某某", "position": "副主任", "rank": "正科"}], "unknown fields rank"),
        (["刘某某"], "Official 1: give a name and a position."),
        ("刘某某 副主任", "List the officials"),
    ],
)
def test_C1_officials_are_a_non_empty_list_each_with_a_name_and_a_position(gov, officials, problem):
    with pytest.raises(ValidationError) as refused:
        accountability_record(actor=gov, **fields(officials=officials))
    assert problem in " ".join(refused.value.message_dict["officials"])
    assert not Accountability.objects.exists()


def test_C1_blank_rows_of_officials_are_dropped_and_values_trimmed():
    rows = [{"name": " 刘某某 ", "position": "副主任 "}, {"name": "", "position": "", "unit": ""}]
    assert clean_officials(rows) == [{"name": "刘某某", "position": "副主任", "unit": ""}]


def test_C1_the_officials_read_as_one_line_in_exports(gov):
    record = accountability_record(actor=gov, **fields())
    assert officials_text(record) == "刘某某 (淳化街道办事处副主任, 江宁区淳化街道办事处); 陈某某 (分局局长)"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("trigger", "rumour"),
        ("facts", " "),
        ("measures", ""),
        ("document_number", ""),
        ("decided_on", local_today() + datetime.timedelta(days=1)),
    ],
)
def test_C1_an_accountability_record_needs_its_trigger_facts_measures_document_and_a_past_date(gov, field, value):
    with pytest.raises(ValidationError) as refused:
        accountability_record(actor=gov, **fields(**{field: value}))
    assert field in refused.value.message_dict


def test_C1_a_case_named_lies_within_the_jurisdiction_held_to_account_and_the_actors_sight(gov):
    xuzhou_case = CaseFactory(jurisdiction=place("320324"))
    with pytest.raises(ValidationError) as refused:
        accountability_record(actor=gov, **fields(case=xuzhou_case))
    assert "case" in refused.value.message_dict
    neighbour_case = CaseFactory(jurisdiction=place("320102"))
    with pytest.raises(ValidationError) as refused:
        accountability_record(actor=gov, **fields(case=neighbour_case))
    assert "case" in refused.value.message_dict
