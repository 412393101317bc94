"""Loads the demo campaign: the core first, then each app's `demo.seed()` in dependency order."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load (or top up) the demo campaign. Safe to run again."

    def handle(self, *args, **options):
        result = {}
        for config in apps.get_app_configs():
            module = f"{config.name}.demo"
            if config.name.startswith("django") or find_spec(module) is None:
                continue
            outcome = import_module(module).seed(self.stdout)
            result.setdefault("accounts", []).extend(outcome.get("accounts", []))
            result.setdefault("password", outcome.get("password"))
            self.stdout.write(f"seeded {config.label}")
        self.print_logins(result)

    def print_logins(self, result):
        self.stdout.write("\nDemo logins (password for all: {}):".format(result.get("password")))
        for username, agency, role in result.get("accounts", []):
            self.stdout.write(f"  {username:<20} {role:<10} {agency}")
        self.stdout.write("  backoffice           superuser  (Django admin at /admin/)")
