"""The review decisions in tracker.review, and EventQuerySet.duplicates_of."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import Event, EventActor, EventAgreement, EventSource
from tracker.review import can_review, event_merge, event_publish, event_reject

pytestmark = pytest.mark.django_db

CANDIDATE, PUBLISHED, REJECTED = Event.Status.CANDIDATE, Event.Status.PUBLISHED, Event.Status.REJECTED


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Users are made in every test; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_source(event, article, sentence, date_text="yesterday"):
    start = article.body.find(sentence)
    return EventSource.objects.create(
        event=event,
        article=article,
        sentence=sentence,
        char_start=start,
        char_end=start + len(sentence),
        date_text=date_text,
    )


def test_it_lets_reviewers_review_and_not_editors():
    assert can_review(make_user("Reviewer"))
    assert can_review(make_user(superuser=True))
    assert not can_review(make_user("Editor"))
    assert not can_review(make_user())


def test_it_publishes_with_the_reviewer_stamped_and_in_history():
    reviewer = make_user("Reviewer")
    event = make_event(status=CANDIDATE)

    published = event_publish(event, by=reviewer)

    event.refresh_from_db()
    assert published.pk == event.pk
    assert event.status == PUBLISHED
    assert event.reviewed_by == reviewer
    assert event.reviewed_at is not None
    latest = event.history.latest()
    assert latest.status == PUBLISHED
    assert latest.history_user == reviewer
    assert latest.history_change_reason == "published"


def test_it_refuses_to_publish_or_reject_for_an_editor():
    editor = make_user("Editor")
    event = make_event(status=CANDIDATE)

    with pytest.raises(PermissionDenied):
        event_publish(event, by=editor)
    with pytest.raises(PermissionDenied):
        event_reject(event, by=editor)

    event.refresh_from_db()
    assert event.status == CANDIDATE
    assert event.reviewed_by is None


def test_it_rejects_with_the_reviewer_in_history():
    reviewer = make_user("Reviewer")
    event = make_event(status=CANDIDATE)

    event_reject(event, by=reviewer)

    event.refresh_from_db()
    assert event.status == REJECTED
    assert event.reviewed_by == reviewer
    assert event.history.latest().history_user == reviewer


def test_it_will_not_publish_an_event_merged_away():
    reviewer = make_user("Reviewer")
    target = make_event(status=PUBLISHED)
    merged = make_event(status=REJECTED, merged_into=target)

    with pytest.raises(ValidationError):
        event_publish(merged, by=reviewer)
    merged.refresh_from_db()
    assert merged.status == REJECTED


def test_it_merges_keeping_every_source_and_skipping_exact_duplicates():
    reviewer = make_user("Reviewer")
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    sochi, astana = make_agreement("Sochi agreement"), make_agreement("Astana process")
    idlib, sochi_city = make_place("Idlib"), make_place("Sochi")
    one = make_article("Turkey and Russia met in Sochi yesterday. Iran joined them.")
    two = make_article("Russia and Turkey signed the Sochi agreement yesterday, officials said.")
    target = make_event(status=PUBLISHED, actors=[turkey, russia], places=[idlib], agreements=[sochi])
    source = make_event(status=CANDIDATE, actors=[russia, iran], places=[sochi_city], agreements=[astana])
    EventActor.objects.filter(event=source, actor=iran).update(role=EventActor.Role.MEDIATOR)
    EventAgreement.objects.filter(event=source).update(relation=EventAgreement.Relation.SIGNS)
    add_source(target, one, "Turkey and Russia met in Sochi yesterday.")
    add_source(source, one, "Turkey and Russia met in Sochi yesterday.")  # the very same sentence
    add_source(source, two, "Russia and Turkey signed the Sochi agreement yesterday, officials said.")

    survivor = event_merge(source=source, target=target, by=reviewer)

    assert survivor.pk == target.pk
    sources = list(target.sources.order_by("article_id").values_list("article_id", "char_start"))
    assert sources == [(one.pk, 0), (two.pk, 0)]
    assert not EventSource.objects.filter(event=source).exists()
    assert {r.actor.name: r.role for r in target.actor_roles.select_related("actor")} == {
        "Turkey": EventActor.Role.PARTICIPANT,
        "Russia": EventActor.Role.PARTICIPANT,
        "Iran": EventActor.Role.MEDIATOR,
    }
    assert {link.agreement.name: link.relation for link in target.agreement_links.select_related("agreement")} == {
        "Sochi agreement": EventAgreement.Relation.REFERENCES,
        "Astana process": EventAgreement.Relation.SIGNS,
    }
    assert set(target.places.values_list("name", flat=True)) == {"Idlib", "Sochi"}
    source.refresh_from_db()
    assert source.status == REJECTED
    assert source.merged_into_id == target.pk
    assert source.reviewed_by == reviewer
    assert source.history.latest().history_user == reviewer
    assert target.history.latest().history_user == reviewer


def test_it_keeps_the_published_id_when_merging_a_published_event_into_a_candidate():
    reviewer = make_user("Reviewer")
    actor = make_actor()
    published = make_event(status=PUBLISHED, actors=[actor], sentence="A first sentence.")
    candidate = make_event(status=CANDIDATE, actors=[actor], sentence="Another sentence.")

    survivor = event_merge(source=published, target=candidate, by=reviewer)

    assert survivor.pk == published.pk
    published.refresh_from_db()
    candidate.refresh_from_db()
    assert published.status == PUBLISHED
    assert published.sources.count() == 2
    assert candidate.status == REJECTED
    assert candidate.merged_into_id == published.pk


def test_it_repoints_events_merged_earlier_into_the_merged_one():
    reviewer = make_user("Reviewer")
    target, source = make_event(status=PUBLISHED), make_event(status=CANDIDATE)
    earlier = make_event(status=REJECTED, merged_into=source)

    event_merge(source=source, target=target, by=reviewer)

    earlier.refresh_from_db()
    assert earlier.merged_into_id == target.pk


@pytest.mark.parametrize("case", ["self", "rejected target", "merged source"])
def test_it_refuses_merges_that_would_lose_track(case):
    reviewer = make_user("Reviewer")
    event = make_event(status=CANDIDATE)
    other = make_event(status=PUBLISHED)
    if case == "self":
        source, target = event, event
    elif case == "rejected target":
        source, target = event, make_event(status=REJECTED)
    else:
        source, target = make_event(status=REJECTED, merged_into=other), event

    with pytest.raises(ValidationError):
        event_merge(source=source, target=target, by=reviewer)


def test_it_refuses_to_merge_for_an_editor():
    editor = make_user("Editor")
    source, target = make_event(status=CANDIDATE, sentence="One."), make_event(status=PUBLISHED)

    with pytest.raises(PermissionDenied):
        event_merge(source=source, target=target, by=editor)
    assert source.sources.count() == 1


def test_it_finds_duplicates_by_overlapping_dates_and_shared_names():
    turkey, russia, usa = make_actor("Turkey"), make_actor("Russia"), make_actor("United States")
    sochi = make_agreement("Sochi agreement")
    candidate = make_event("2018-09-17", status=CANDIDATE, actors=[turkey, russia])
    same_day_both = make_event("2018-09-17", status=CANDIDATE, actors=[turkey, russia])
    month_published = make_event("2018-09", status=PUBLISHED, actors=[russia])
    same_day_other = make_event("2018-09-17", status=PUBLISHED, actors=[usa])
    other_month = make_event("2018-10", status=PUBLISHED, actors=[turkey, russia])
    rejected = make_event("2018-09-17", status=REJECTED, actors=[turkey])
    by_agreement = make_event("2018", status=PUBLISHED, agreements=[sochi])
    EventAgreement.objects.create(event=candidate, agreement=sochi)

    found = list(Event.objects.duplicates_of(candidate))

    assert same_day_other not in found and other_month not in found and rejected not in found
    assert candidate not in found
    # Published first; among them the one sharing the agreement leads.
    assert found == [by_agreement, month_published, same_day_both]


def test_it_finds_no_duplicates_for_an_event_without_names():
    make_event("2018-09-17", status=PUBLISHED)
    assert not Event.objects.duplicates_of(make_event("2018-09-17", status=CANDIDATE)).exists()
