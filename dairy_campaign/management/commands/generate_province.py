"""Loads a province-scale synthetic campaign: the core first, then each app's
`synthetic.generate(world)` in dependency order (see `dairy_campaign.synthetic`)."""

import logging
import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from dairy_campaign import synthetic
from dairy_campaign.celery import app as celery_app


class Command(BaseCommand):
    help = "Generate deterministic synthetic data at DESIGN §5 sizes times --scale (1.0 = Jiangsu)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = full size; 0.001 for a quick look")

    def handle(self, *args, scale, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")
        if synthetic.already_generated():
            self.stdout.write("Synthetic data is already loaded; nothing to do.")
            return
        started = time.monotonic()
        # Tasks the services set off (notification e-mail) run inline: no worker is needed,
        # and their per-task log lines would bury the command's own report.
        celery_app.conf.task_always_eager = True
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        # All or nothing: an interrupted run leaves the database as it was. The synthetic
        # accounts' addresses are not real: no e-mail goes out.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            synthetic.defer_integrity_checks()
            world = synthetic.new_world(scale)
            modules = [import_module(name) for name in self.generators()]
            # `finish` steps run after every app's `generate`: they link to what later apps made.
            steps = [m.generate for m in modules] + [m.finish for m in modules if hasattr(m, "finish")]
            for step in steps:
                began = time.monotonic()
                step(world)
                self.stdout.write(f"{step.__module__}.{step.__name__:<16} {time.monotonic() - began:7.1f} s")
        synthetic.refresh_statistics()
        for label, count in world.made.items():
            self.stdout.write(f"  {label:<32} {count:>9,}")
        self.stdout.write(
            f"Generated scale {scale} in {time.monotonic() - started:.0f} s; "
            f"accounts p<code>_<department>_<role>, password {synthetic.SYNTHETIC_PASSWORD}"
        )

    @staticmethod
    def generators() -> list[str]:
        modules = []
        for config in apps.get_app_configs():
            module = f"{config.name}.synthetic"
            if not config.name.startswith("django") and find_spec(module) is not None:
                modules.append(module)
        return modules
