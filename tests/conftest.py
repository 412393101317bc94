import pytest
from django.core.cache import cache
from django.utils import translation

from dairy_campaign.celery import app as celery_app
from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.jurisdiction_data import load_jurisdictions
from dairy_campaign.models import Jurisdiction, Phase
from dairy_campaign.services.campaigns import plan_phases

from .factories import CampaignFactory, member


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Hashing is the slow part of making users; tests need logins, not strong hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run inline unless a test goes through the real broker on purpose.
    celery_app.conf.task_always_eager = True
    cache.clear()
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def english(settings):
    """Pages, API answers and services in English, so that tests compare messages with
    their msgids whatever the Chinese catalogue holds (Chinese stays the default)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def jurisdictions(transactional_db):
    """Transactional tests flush the database afterwards, data migrations included:
    they reload the tree they need."""
    load_jurisdictions(Jurisdiction)


@pytest.fixture
def campaign(db):
    c = CampaignFactory()
    for kind, (start, end) in plan_phases(c.year).items():
        Phase.objects.get_or_create(campaign=c, kind=kind, defaults={"starts_on": start, "ends_on": end})
    return c


@pytest.fixture
def county_inspector(db):
    return member("320115", AgencyKind.QTS, Role.INSPECTOR)


@pytest.fixture
def county_viewer(db):
    return member("320115", AgencyKind.QTS, Role.VIEWER)


@pytest.fixture
def province_fso(db):
    return member("320000", AgencyKind.FSO, Role.REVIEWER)


@pytest.fixture
def city_admin(db):
    return member("320100", AgencyKind.FSO, Role.ADMIN)
