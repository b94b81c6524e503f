from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent): the organisation first, then each app's demo "
        "module (an app joins by having a `demo.seed()` function)."
    )

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        from safetyzone.org import demo as org_demo

        users = org_demo.seed()
        # The notifications' demo runs the reminder sweeps over every app's records: last.
        configs = sorted(apps.get_app_configs(), key=lambda c: c.name == "safetyzone.notifications")
        for config in configs:
            if config.name == "safetyzone.org" or not config.name.startswith(
                ("safetyzone.", "campaigns", "inspections", "duty")
            ):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed()
            self.stdout.write(f"seeded {config.label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo users:"))
        for username, roles in users:
            self.stdout.write(f"  {username:<10} {roles}")
        self.stdout.write(f"  password: {settings.DEMO_PASSWORD} (set DEMO_PASSWORD to change)")
