"""The README's first command: `manage.py demo` sets up a working demo."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tracker.models import Article, Event


@pytest.mark.django_db(transaction=True)
def test_it_sets_up_the_demo_once_and_again_without_duplicates(client):
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    assert "Demo ready" in out.getvalue()
    articles, published = Article.objects.count(), Event.objects.published().count()
    assert articles >= 8
    assert published > 0
    assert Event.objects.candidates().exists(), "the review queue should have work in it"
    assert set(User.objects.values_list("username", flat=True)) >= {"admin", "reviewer", "editor"}
    assert User.objects.get(username="reviewer").has_perm("tracker.publish_event")
    assert not User.objects.get(username="editor").has_perm("tracker.publish_event")

    call_command("demo", no_serve=True, stdout=StringIO())
    assert Article.objects.count() == articles
    assert Event.objects.published().count() == published

    event = Event.objects.published().first()
    assert client.get("/").status_code == 200
    assert client.get(event.get_absolute_url()).status_code == 200
