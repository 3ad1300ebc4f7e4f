import logging

from django.apps import AppConfig
from django.conf import settings

log = logging.getLogger("tracker")


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Syria Conflict Tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tracker import gazetteer, signals  # noqa: F401

        if settings.CELERY_TASK_ALWAYS_EAGER:
            log.info("event=celery_mode mode=eager reason='REDIS_URL is not set: tasks run in-process'")
