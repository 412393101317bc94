import pytest

from dairy_campaign.models import Jurisdiction
from dairy_campaign.scoping import level_of, scope_prefix

pytestmark = pytest.mark.django_db

CITIES = {
    "320100": "南京市",
    "320200": "无锡市",
    "320300": "徐州市",
    "320400": "常州市",
    "320500": "苏州市",
    "320600": "南通市",
    "320700": "连云港市",
    "320800": "淮安市",
    "320900": "盐城市",
    "321000": "扬州市",
    "321100": "镇江市",
    "321200": "泰州市",
    "321300": "宿迁市",
}


def test_the_province_is_jiangsu_with_its_thirteen_cities():
    province = Jurisdiction.objects.get(code="320000")
    assert province.name == "江苏省" and province.level == "province" and province.parent is None
    cities = dict(province.children.values_list("code", "name"))
    assert cities == CITIES


def test_every_city_has_its_county_level_divisions():
    for city in Jurisdiction.objects.filter(level="city"):
        assert city.children.count() >= 5, city.name
    assert Jurisdiction.objects.filter(level="county").count() == 95


@pytest.mark.parametrize(
    ("code", "name", "city"),
    [
        ("320102", "玄武区", "320100"),
        ("320281", "江阴市", "320200"),
        ("320322", "沛县", "320300"),
        ("320614", "海门区", "320600"),
        ("320981", "东台市", "320900"),
        ("321324", "泗洪县", "321300"),
    ],
)
def test_known_divisions_carry_their_real_codes(code, name, city):
    j = Jurisdiction.objects.get(code=code)
    assert (j.name, j.parent_id, j.level) == (name, city, "county")


def test_codes_are_unique_and_nested_by_prefix():
    rows = list(Jurisdiction.objects.all())
    assert len({j.code for j in rows}) == len(rows)
    for j in rows:
        assert len(j.code) == 6 and j.code.isdigit()
        assert level_of(j.code) == j.level
        if j.parent_id:
            assert j.code.startswith(scope_prefix(j.parent_id)) and j.code != j.parent_id


def test_ancestors_run_from_the_province_down():
    county = Jurisdiction.objects.get(code="320115")
    assert [a.code for a in county.ancestors()] == ["320000", "320100"]
    assert county.parent.contains(county) and not Jurisdiction.objects.get(code="320300").contains(county)
