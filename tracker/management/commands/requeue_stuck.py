"""Send again the articles stuck in received, queued or parsing (what beat runs every minute)."""

from django.core.management.base import BaseCommand

from tracker.parse import articles_requeue_stuck


class Command(BaseCommand):
    help = "Queue again the articles waiting longer than ARTICLE_STUCK_AFTER; fail those out of attempts."

    def handle(self, *args, **options):
        report = articles_requeue_stuck()
        self.stdout.write(f"requeued {report.requeued}, gave up on {report.given_up}")
        if report.error:
            self.stderr.write(self.style.WARNING(f"Not sent: {report.error}. They stay queued."))
