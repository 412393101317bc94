"""The access sweep builds its world once per module, inside a transaction that is rolled
back at the end, so the other test modules never see it; each test runs in a savepoint."""

import pytest
from django.db import transaction
from django.test import override_settings

from .access_world import build_world


@pytest.fixture(scope="module")
def access_media(tmp_path_factory):
    return tmp_path_factory.mktemp("access-media")


@pytest.fixture(scope="module")
def access_world(django_db_setup, django_db_blocker, access_media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=access_media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(access_world, access_media, db, _isolated, settings):
    """The module's world, with the files its records point at."""
    settings.MEDIA_ROOT = access_media
    return access_world
