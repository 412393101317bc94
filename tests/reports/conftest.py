import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and headers are compared with their English msgids."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
