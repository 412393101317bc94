import pytest

from dairy_campaign.choices import AgencyKind

from ..factories import AgencyFactory, place


@pytest.fixture(autouse=True)
def county_departments(db):
    """Jiangning's government and agriculture department, who carry out follow-ups."""
    return {kind: AgencyFactory(kind=kind, jurisdiction=place("320115")) for kind in (AgencyKind.GOV, AgencyKind.AGR)}
