import random
import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from safetyzone.core.bulk import BulkWriter, Progress
from safetyzone.core.models import SeedRun

RUN_NAME = "seed_scale"
COUNTS = {
    "enterprises": 5000,
    "inspections": 30000,
    "hazards": 100000,
    "tasks": 2000,
    "notifications": 200000,
    "roster_people": 40,
}


def scale_modules():
    """Each app's ``scale`` module (``seed(context, rng)``, and ``bulk_models()``: the
    models it inserts many rows of), the organisation first (the others build on its
    units, people and enterprises) and the notifications last (they remind of the
    records the domain apps made)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith(("safetyzone.", "campaigns", "inspections", "duty")):
            continue
        try:
            module = import_module(f"{config.name}.scale")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.scale":
                raise
            continue
        found.append((config.label, module))
    first, last = "org", "notifications"
    found.sort(key=lambda item: (item[0] != first, item[0] == last))
    return found


class Command(BaseCommand):
    help = (
        "Generate data at scale for the benchmarks (bulk inserts): units, enterprises, "
        "inspections, hazards with their reports and history, tasks, a year of duty "
        "rosters and notifications. Deterministic for a seed; a second run with the same "
        "arguments changes nothing, a run with other arguments first removes the rows the "
        "earlier run made (and nothing else). Each app joins with a `scale.seed()`."
    )

    # Run after migrate (which checked the project): the checks would only add seconds
    # to each of the benchmark's three databases.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        for name, default in COUNTS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
        parser.add_argument(
            "--force", action="store_true", help="seed again even if the same run is there"
        )

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        arguments = {"seed": options["seed"], **{name: options[name] for name in COUNTS}}
        previous = SeedRun.objects.filter(name=RUN_NAME).first()
        if previous is not None and previous.arguments == arguments and not options["force"]:
            self.stdout.write(
                f"seed_scale: already seeded with these arguments on "
                f"{timezone.localtime(previous.finished_at):%Y-%m-%d %H:%M}; nothing to do."
            )
            return
        progress = Progress(self.stdout.write)
        writer = BulkWriter(log=self.stdout.write)
        self.stdout.write(f"seed_scale: {arguments}")
        started = time.perf_counter()
        modules = scale_modules()
        tables = [model for _label, module in modules for model in module.bulk_models()]
        with transaction.atomic(), writer.loading(tables):
            if previous is not None:
                with progress.step("removed the rows of the earlier run"):
                    writer.delete_recorded(previous.rows)
                previous.delete()
            context = {
                **arguments,
                "today": timezone.localdate(),
                "now": timezone.now(),
                "writer": writer,
                "progress": progress,
                "made": {},
            }
            for label, module in modules:
                rng = random.Random(f"{options['seed']}:{label}")  # noqa: S311 - test data
                with progress.step(label):
                    context["made"][label] = module.seed(context, rng) or {}
            SeedRun.objects.create(
                name=RUN_NAME, arguments=arguments, rows=writer.rows, finished_at=timezone.now()
            )
            # Leaving the blocks puts back the foreign keys and indexes, then commits.
            finishing = time.perf_counter()
        self.stdout.write(
            f"  indexes, foreign keys, commit: {time.perf_counter() - finishing:.1f} s"
        )
        with progress.step("analyze"):
            writer.analyze()
        self.stdout.write(f"  {'rows inserted':<42} {'rows':>9} {'seconds':>8}")
        for label, count in sorted(writer.counts.items()):
            self.stdout.write(f"  {label:<42} {count:>9,} {writer.seconds[label]:>8.1f}")
        self.stdout.write(
            self.style.SUCCESS(f"seed_scale: done in {time.perf_counter() - started:.1f} s")
        )
