"""The dashboards' figures, cached under the version of the data they are computed from.

A stale figure on a dashboard is a bug: officials act on these numbers. So nothing expires
on a clock; instead each cache key holds a cheap *data version*: the highest history id of
every audited table the cached value reads (one query for all of them, each maximum read
off a primary-key index). Every change through the services leaves a history row
(django-simple-history), the bulk imports too (`bulk_create_with_history`), deletions
included, so any change that could move a figure moves the key, and the next load computes
afresh. Tables the figures read without a history (the jurisdiction tree) are not cached:
the caller reads them on each load and puts what matters of them in the key.

Values name the tables they read (`sources`), so a new checklist recomputes the inspection
figures and leaves, say, the lab results cached: after a write, the next load only redoes
the part of the work that the write touched.

One race remains with ids taken from a sequence: a transaction that took id 100 may commit
after one that took id 101. A reader that saw 101 before the first committed would cache
figures without its change under a key that its commit does not move. On PostgreSQL the
version query therefore also names the history tables on which another session holds a
write lock (a writer keeps it until it commits or rolls back); a value reading one of them
is computed but not stored. SQLite has one writer at a time, whose ids commit in order.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import connection

# Kept long enough to serve a quiet evening; a newer version makes older entries unreachable
# long before this, and they then simply expire.
TIMEOUT_SECONDS = 6 * 3600
KEY_PREFIX = "reports:figures:v2"


def history_table(label: str) -> str:
    """The history table of an audited model, named app_label.ModelName."""
    return apps.get_model(label).history.model._meta.db_table


@dataclass(frozen=True)
class DataVersion:
    maxima: dict[str, int | None]  # model label → highest history id (None: no history yet)
    being_written: frozenset[str]  # model labels another session is writing now

    def of(self, sources: Iterable[str]) -> tuple:
        return tuple((label, self.maxima[label]) for label in sorted(sources))

    def storable(self, sources: Iterable[str]) -> bool:
        return self.being_written.isdisjoint(sources)


def _version_query(tables: list[str]) -> tuple[str, list]:
    quote = connection.ops.quote_name
    # Table names come from the models' metadata, never from a request.
    maxima = ", ".join(f"(SELECT MAX(history_id) FROM {quote(table)})" for table in tables)  # noqa: S608
    if connection.vendor != "postgresql":
        return f"SELECT {maxima}, NULL", []  # noqa: S608
    # The tables another session holds a write lock on: it may commit a lower id later.
    writers = (
        "(SELECT ARRAY_AGG(DISTINCT c.relname) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " WHERE c.relname = ANY(%s) AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid())"
    )
    return f"SELECT {maxima}, {writers}", [tables]  # noqa: S608


def data_version(sources: Iterable[str]) -> DataVersion:
    """The version of the given audited models' data. One query."""
    labels = sorted(set(sources))
    tables = [history_table(label) for label in labels]
    with connection.cursor() as cursor:
        cursor.execute(*_version_query(tables))
        *maxima, written = cursor.fetchone()
    written = set(written or ())
    return DataVersion(
        maxima=dict(zip(labels, maxima, strict=True)),
        being_written=frozenset(label for label, table in zip(labels, tables, strict=True) if table in written),
    )


def _key(parts: tuple, version: tuple) -> str:
    text = repr((parts, version))
    return f"{KEY_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached(parts: tuple, compute: Callable[[], object], *, sources: Iterable[str], version: DataVersion):
    """`compute()`'s value for `version` of the `sources` it reads: from the cache when it
    holds one for this version and `parts` (what else the value depends on: campaign,
    period, scope, today, tree), else computed, and stored unless a source is being
    written."""
    sources = frozenset(sources)
    key = _key(parts, version.of(sources))
    value = cache.get(key)
    if value is None:
        value = compute()
        if version.storable(sources):
            cache.set(key, value, TIMEOUT_SECONDS)
    return value
