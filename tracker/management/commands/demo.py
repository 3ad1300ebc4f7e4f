"""Set up a demo database and serve the dashboard: one command from a fresh clone."""

import logging
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.models import Actor, Article, Event

DEMO_ARTICLES = Path(settings.BASE_DIR) / "fixtures" / "demo_articles.jsonl"
# Articles whose candidates stay unreviewed, so the review queue has work in it.
LEFT_FOR_REVIEW = 3

USERS = [
    # username, groups, superuser
    ("admin", (), True),
    ("reviewer", ("Reviewer",), False),
    ("editor", ("Editor",), False),
]


@contextmanager
def quiet_logs(*names):
    """Keep per-article log lines out of the demo's set-up output."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Migrate, load the curated gazetteer and demo articles, publish a demo timeline, and run the server."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up the data and stop.")

    def handle(self, *args, addrport, no_serve, **options):
        with quiet_logs("tracker", "celery", "kombu"):
            self.set_up()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo ready: {Event.objects.published().count()} published events, "
                f"{Event.objects.candidates().count()} candidates waiting for review.\n"
                f"  Dashboard: http://{addrport}/\n"
                f"  Admin:     http://{addrport}/admin/  users admin, reviewer, editor; password {self.password!r}\n"
            )
        )
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)

    def set_up(self):
        call_command("migrate", interactive=False, verbosity=0)
        if not Actor.objects.exists():
            call_command("loaddata", "curated", verbosity=0)
        self.stdout.write(f"Curated gazetteer: {Actor.objects.count()} actors.")

        self.password = os.environ.get("DEMO_PASSWORD", "tracker-demo")
        users = {name: self.ensure_user(name, groups, superuser, self.password) for name, groups, superuser in USERS}

        self.ingest_demo_articles(users["editor"])
        self.publish_demo_events(users["reviewer"])

    def ensure_user(self, username, groups, superuser, password):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": superuser, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(*Group.objects.filter(name__in=groups))
        return user

    def ingest_demo_articles(self, editor):
        from tracker.ingest import ingest_bytes

        report = ingest_bytes(DEMO_ARTICLES.name, DEMO_ARTICLES.read_bytes(), submitted_by=editor)
        self.stdout.write(
            f"Demo articles: {report.created} new, {report.duplicates} already there, {len(report.failed)} failed."
        )
        for where, reason in report.failed:
            self.stderr.write(f"  {where}: {reason}")

    def publish_demo_events(self, reviewer):
        """Publish the candidates of all but the newest demo articles, once."""
        from tracker.review import event_publish

        articles = list(Article.objects.filter(publisher__icontains="demo").order_by("published", "pk"))
        for article in articles[: max(len(articles) - LEFT_FOR_REVIEW, 0)]:
            candidates = Event.objects.candidates().filter(sources__article=article).distinct()
            for event in candidates:
                event_publish(event, by=reviewer)
