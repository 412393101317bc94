"""Loads the real Jiangsu tree (GB/T 2260) shipped in data/jiangsu_divisions.csv."""

from django.db import migrations

from dairy_campaign.jurisdiction_data import load_jurisdictions


def load(apps, schema_editor):
    load_jurisdictions(apps.get_model("core", "Jurisdiction"))


def unload(apps, schema_editor):
    apps.get_model("core", "Jurisdiction").objects.filter(code__startswith="32").order_by("-code").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
