"""Loads the built-in checklists (inspections/template_data.py) as version 1, published."""

from django.db import migrations


def load(apps, schema_editor):
    from inspections.services.templates import load_builtin_templates

    load_builtin_templates(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "TemplateSection"),
        apps.get_model("inspections", "TemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
