import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """This package's tests read messages in English."""
