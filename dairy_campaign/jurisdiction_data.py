"""The real Jiangsu tree (GB/T 2260), shipped as data/jiangsu_divisions.csv."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "jiangsu_divisions.csv"


def load_jurisdictions(model) -> int:
    """Create or update every division; `model` is the (possibly historical) Jurisdiction."""
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Rows are ordered by code, so every parent exists before its children.
    for row in rows:
        model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
            },
        )
    return len(rows)
