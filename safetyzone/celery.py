"""Celery application, wired the usual way: configuration comes from Django settings
under the ``CELERY_`` namespace and tasks are found in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyzone.settings")

app = Celery("safetyzone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
