import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are compared with their English msgids, in services and pages alike (the
    pages' default language is the settings' one; Chinese in production)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
