"""Samples keep the county of their lot's holder: now that every sample has one, it is
required, and a county's samples have an index in their list order."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sampling", "0005_sample_county"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sample",
            name="county",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.jurisdiction",
                verbose_name="county",
            ),
        ),
        migrations.AddIndex(
            model_name="sample",
            index=models.Index(fields=["county", "-sampled_at", "-id"], name="samples_by_county"),
        ),
    ]
