"""The review decisions: publish, reject and merge events.

Every decision goes through one of these functions, so the permission
check, the reviewer stamp and the history row are never forgotten by a view,
an admin action or an API endpoint.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tracker.models import Event, EventActor, EventAgreement, EventSource

PUBLISH_PERMISSION = "tracker.publish_event"


def can_review(user) -> bool:
    """Return whether `user` may publish, reject and merge events."""
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def _require_reviewer(user):
    if not can_review(user):
        raise PermissionDenied("Only reviewers may publish, reject or merge events.")


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _save(event: Event, *, by, reason: str):
    # simple_history reads these two attributes for the history row.
    event._history_user = by
    event._change_reason = reason
    event.save()


@transaction.atomic
def event_publish(event: Event, *, by) -> Event:
    """Publish `event` as reviewed by `by`; return the fresh row."""
    _require_reviewer(by)
    locked = _locked(event)
    if locked.merged_into_id:
        raise ValidationError(f"Event {locked.pk} was merged into event {locked.merged_into_id}; publish that one.")
    locked.status = Event.Status.PUBLISHED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    _save(locked, by=by, reason="published")
    return locked


@transaction.atomic
def event_reject(event: Event, *, by) -> Event:
    """Reject `event` (it leaves the queue and is never public); return the fresh row."""
    _require_reviewer(by)
    locked = _locked(event)
    locked.status = Event.Status.REJECTED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    _save(locked, by=by, reason="rejected")
    return locked


@transaction.atomic
def event_merge(*, source: Event, target: Event, by) -> Event:
    """Merge `source` into `target` and return the event that survives.

    Every source sentence, actor, place and agreement of both is kept. The
    target's id survives, except that a published event is never merged away
    into an unpublished one: then the two swap, so public links stay valid.
    The merged-away event is rejected and points to the survivor.
    """
    _require_reviewer(by)
    if source.pk == target.pk:
        raise ValidationError("An event cannot be merged into itself.")
    # Lock in id order so two reviewers merging the same pair cannot deadlock.
    locked = {e.pk: e for e in Event.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.status == Event.Status.PUBLISHED and target.status != Event.Status.PUBLISHED:
        source, target = target, source
    for event in (source, target):
        if event.merged_into_id:
            raise ValidationError(f"Event {event.pk} was already merged into event {event.merged_into_id}.")
    if target.status == Event.Status.REJECTED:
        raise ValidationError(f"Event {target.pk} is rejected; merge into an event that is kept.")

    _move_sources(source, target)
    _union_links(source, target)
    if not target.summary and source.summary:
        target.summary = source.summary
    _save(target, by=by, reason=f"merged event {source.pk} into this one")

    # Events merged earlier into the source now point at the survivor.
    Event.objects.filter(merged_into=source).update(merged_into=target)
    source.status = Event.Status.REJECTED
    source.merged_into = target
    source.reviewed_by = by
    source.reviewed_at = timezone.now()
    _save(source, by=by, reason=f"merged into event {target.pk}")
    return target


def _move_sources(source: Event, target: Event):
    kept = set(target.sources.values_list("article_id", "char_start", "date_text"))
    duplicates = []
    for row in source.sources.only("pk", "article_id", "char_start", "date_text"):
        key = (row.article_id, row.char_start, row.date_text)
        if key in kept:
            duplicates.append(row.pk)
        else:
            kept.add(key)
    EventSource.objects.filter(pk__in=duplicates).delete()
    source.sources.update(event=target)


def _union_links(source: Event, target: Event):
    have = set(target.actor_roles.values_list("actor_id", flat=True))
    EventActor.objects.bulk_create(
        [
            EventActor(event=target, actor_id=r.actor_id, role=r.role)
            for r in source.actor_roles.all()
            if r.actor_id not in have
        ]
    )
    have = set(target.agreement_links.values_list("agreement_id", flat=True))
    EventAgreement.objects.bulk_create(
        [
            EventAgreement(event=target, agreement_id=r.agreement_id, relation=r.relation)
            for r in source.agreement_links.all()
            if r.agreement_id not in have
        ]
    )
    target.places.add(*source.places.all())
