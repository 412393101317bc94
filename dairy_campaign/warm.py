"""A web process made ready before its first request (issue #8).

A request leaves cyclic garbage (records with their prefetched rows point at each other),
so Python's full collections run every so often in the middle of a request, and each one
scanned every object of the loaded program: Django, the apps, their views and serializers.
That made one list request in ten take 50 to 130 ms longer. Loaded up front and then
frozen (`gc.freeze`), those objects are left out of every later collection.
"""

import gc

from django.urls import get_resolver


def load_and_freeze() -> None:
    """Import every view (through the URL patterns), then freeze what is loaded."""
    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    gc.collect()
    gc.freeze()
