"""The documented backup and restore (docs/operations.md) round-trips the data."""

import pytest
from django.core.management import call_command

from tests.factories import make_actor, make_agreement, make_event, make_place, make_user
from tracker.models import Actor, Article, Event, EventSource

pytestmark = pytest.mark.django_db(transaction=True)

# The same command as docs/operations.md, "Portable backup".
DUMP_ARGS = [
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--exclude=axes",
    "--exclude=admin.logentry",
]


def test_it_restores_everything_it_dumped(tmp_path):
    reviewer = make_user("Reviewer", username="rita")
    turkey = make_actor("Turkey", aliases=["Ankara"])
    akar = make_actor("Hulusi Akar", kind=Actor.Kind.PERSON, acts_for=turkey)
    sochi = make_agreement("Sochi agreement", date_precision="day")
    event = make_event(
        "2018-09",
        title="Turkey and Russia sign the Sochi agreement",
        actors=[turkey, akar],
        places=[make_place("Sochi")],
        agreements=[sochi],
        sentence="Turkey and Russia signed the Sochi agreement in September last year.",
        reviewed_by=reviewer,
    )
    before = {
        "actors": Actor.objects.count(),
        "events": Event.objects.count(),
        "sources": EventSource.objects.count(),
        "articles": Article.objects.count(),
    }

    backup = tmp_path / "backup.json"
    call_command("dumpdata", *DUMP_ARGS, output=str(backup), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert Event.objects.count() == 0

    call_command("loaddata", str(backup), verbosity=0)

    after = {
        "actors": Actor.objects.count(),
        "events": Event.objects.count(),
        "sources": EventSource.objects.count(),
        "articles": Article.objects.count(),
    }
    assert after == before
    restored = Event.objects.get(pk=event.pk)
    assert str(restored.partial_date) == "2018-09"
    assert restored.reviewed_by.username == "rita"
    assert set(restored.actors.values_list("name", flat=True)) == {"Turkey", "Hulusi Akar"}
    assert restored.sources.get().sentence.startswith("Turkey and Russia signed")
    assert list(Actor.objects.get(name="Hulusi Akar").acts_for_on()) == [Actor.objects.get(name="Turkey")]


def test_it_keeps_the_groups_for_the_next_transactional_test():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Editor", "Reviewer"}
    assert Group.objects.get(name="Reviewer").permissions.filter(codename="publish_event").exists()
