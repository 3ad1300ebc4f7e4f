"""Check that a Celery worker answers through Redis: broker, worker and result backend."""

import time

from celery.exceptions import TimeoutError as ResultTimeout
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError

from tracker.tasks import ping


class Command(BaseCommand):
    help = "Send a ping task and wait for a worker's answer."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for an answer.")

    def handle(self, *args, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("REDIS_URL is not set: tasks run in-process, there is no worker to ping.")
            return
        started = time.monotonic()
        try:
            answer = ping.delay().get(timeout=options["timeout"])
        except OperationalError as exc:
            raise CommandError(f"Redis is unreachable: {exc}") from exc
        except ResultTimeout as exc:
            raise CommandError(f"No worker answered within {options['timeout']:g} s.") from exc
        elapsed = (time.monotonic() - started) * 1000
        self.stdout.write(self.style.SUCCESS(f"pong from {answer['hostname']} pid {answer['pid']} in {elapsed:.0f} ms"))
