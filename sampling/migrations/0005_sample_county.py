"""Samples keep the county of their lot's holder (issue #8): added empty and filled from the
register here, required in the next migration (on PostgreSQL a column cannot be altered in
the transaction that filled it: the filled keys' deferred checks are still pending)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_counties(apps, schema_editor):
    Lot = apps.get_model("sampling", "Lot")
    Sample = apps.get_model("sampling", "Sample")
    holder_county = Lot.objects.filter(pk=OuterRef("lot_id")).values("operator__county_id")[:1]
    Sample.objects.update(county_id=Subquery(holder_county))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("sampling", "0004_lot_ids_by_holder"),
    ]

    operations = [
        migrations.AddField(
            model_name="sample",
            name="county",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.jurisdiction",
                verbose_name="county",
            ),
        ),
        migrations.RunPython(fill_counties, migrations.RunPython.noop),
    ]
