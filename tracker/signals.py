"""Signal handlers: keep derived data in step with editors' changes.

Chart data is cached (`tracker.selectors.cached`) under a version number;
any change to an event, its actors, agreements or places, or to the names
and coordinates charts show, bumps the version so the next reader sees it.
Bulk writes (`QuerySet.update`, `bulk_create`) send no signals: code that
uses them calls `tracker.selectors.invalidate_charts()` itself.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from tracker.models import Actor, Agreement, AgreementParty, Event, EventActor, EventAgreement, Place
from tracker.selectors import invalidate_charts

CHART_SOURCES = (Event, EventActor, EventAgreement, Actor, Place, Agreement, AgreementParty)


def charts_stale(sender, **kwargs):
    invalidate_charts()


for model in CHART_SOURCES:
    post_save.connect(charts_stale, sender=model, dispatch_uid=f"tracker.charts.saved.{model.__name__}")
    post_delete.connect(charts_stale, sender=model, dispatch_uid=f"tracker.charts.deleted.{model.__name__}")


@receiver(m2m_changed, sender=Event.places.through, dispatch_uid="tracker.charts.event_places")
def charts_stale_on_places(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate_charts()
