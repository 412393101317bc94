"""Bulk loading through PostgreSQL's COPY, for the province-scale synthetic data.

`bulk_create` spends most of its time preparing values field by field; COPY takes the rows as
text in one stream. Rows are model instances built as usual (defaults applied); their keys are
drawn from the table's sequence first, so that history rows and later records can point at
them. Only for loading synthetic data into PostgreSQL: no signals, no `save()`.
"""

import datetime
import io
import json
from decimal import Decimal

from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

NULL = "\\N"


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, FieldFile):
        value = value.name or ""
    elif isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _reserve_keys(model: type[models.Model], count: int) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], columns: list[str], lines: list[str]) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.StringIO("".join(lines)))


def copy_rows(model: type[models.Model], rows: list[models.Model], *, history_reason: str | None = None) -> list[int]:
    """Insert `rows` (unsaved instances) with COPY; with their "+" history rows when the
    model keeps history. Returns their new primary keys, in order."""
    keys = _reserve_keys(model, len(rows))
    now = timezone.now()
    fields = model._meta.concrete_fields
    lines = []
    for row, key in zip(rows, keys, strict=True):
        row.pk = key
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(row, field.attname, now)
        lines.append("\t".join(_text(getattr(row, f.attname)) for f in fields) + "\n")
    _copy(model, [f.column for f in fields], lines)
    if hasattr(model, "history"):
        _copy_history(model, rows, now, history_reason or "")
    return keys


def _copy_history(model: type[models.Model], rows: list[models.Model], now, reason: str) -> None:
    historical = model.history.model
    extras = {"history_date": now, "history_change_reason": reason, "history_type": "+", "history_user_id": None}
    fields = [f for f in historical._meta.concrete_fields if f.attname != "history_id"]
    lines = []
    for row in rows:
        values = (extras[f.attname] if f.attname in extras else getattr(row, f.attname) for f in fields)
        lines.append("\t".join(_text(v) for v in values) + "\n")
    _copy(historical, [f.column for f in fields], lines)
