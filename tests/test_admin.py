"""The editors' admin: every page, who may see it, the home counts, escaping and speed."""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import (
    ActorAlias,
    ActorRelation,
    AgreementAlias,
    AgreementParty,
    Article,
    Event,
    EventAgreement,
    PlaceAlias,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script>"onmouseover=alert(2) x="'


@pytest.fixture(autouse=True)
def fresh_gazetteer(settings):
    # Rolled-back tests leave the cached version unchanged: start afresh.
    from tracker.gazetteer import bump_gazetteer_version

    bump_gazetteer_version()
    # Users are made in every test; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sample():
    """Return one row of every registered tracker model, names laced with markup."""
    syria = make_place("Syria", kind="country")
    idlib = make_place("Idlib", kind="province", parent=syria)
    PlaceAlias.objects.create(place=idlib, name="Idleb")
    turkey = make_actor("Turkey", aliases=["Ankara"])
    russia = make_actor("Russia")
    akar = make_actor("Hulusi Akar", kind="person", acts_for=turkey)
    sochi = make_agreement("Sochi agreement")
    AgreementAlias.objects.create(agreement=sochi, name="Sochi deal")
    AgreementParty.objects.create(agreement=sochi, actor=turkey)
    article = make_article(
        "Turkey and Russia signed the Sochi agreement in September last year. Fighting went on in Idlib.",
        title="Turkey, Russia and Idlib",
    )
    candidate = make_event(
        "2018-09",
        title="Turkey and Russia sign the Sochi agreement",
        status=Event.Status.CANDIDATE,
        actors=[turkey, russia],
        places=[idlib],
        agreements=[sochi],
        article=article,
        sentence="Turkey and Russia signed the Sochi agreement in September last year.",
    )
    published = make_event("2018-09-17", actors=[turkey, russia], agreements=[sochi])
    return {
        "actor": turkey,
        "person": akar,
        "place": idlib,
        "agreement": sochi,
        "article": article,
        "candidate": candidate,
        "published": published,
        "actoralias": ActorAlias.objects.first(),
        "actorrelation": ActorRelation.objects.first(),
        "placealias": PlaceAlias.objects.first(),
        "agreementalias": AgreementAlias.objects.first(),
        "agreementparty": AgreementParty.objects.first(),
        "eventactor": candidate.actor_roles.first(),
        "eventagreement": EventAgreement.objects.first(),
        "eventsource": candidate.sources.first(),
    }


def object_for(model, sample):
    name = model._meta.model_name
    if name == "event":
        return sample["candidate"]
    if name == "candidateevent":
        return sample["candidate"]
    return sample.get(name) or model._default_manager.first()


def tracker_models():
    return [m for m in admin.site._registry if m._meta.app_label == "tracker"]


def test_it_names_the_site():
    assert admin.site.site_header == "Syria Conflict Tracker"
    assert admin.site.site_title == "Syria Conflict Tracker"


def test_it_registers_every_tracker_model():
    from django.apps import apps

    registered = set(admin.site._registry)
    concrete = {m for m in apps.get_app_config("tracker").get_models() if not m.__name__.startswith("Historical")}
    assert concrete <= registered


@pytest.mark.parametrize("who", ["Editor", "Reviewer", "superuser"])
def test_it_renders_every_changelist_add_and_change_page(client, sample, who):
    user = make_user(superuser=True) if who == "superuser" else make_user(who)
    client.force_login(user)
    models = list(admin.site._registry) if who == "superuser" else tracker_models()
    for model in models:
        info = model._meta.app_label, model._meta.model_name
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, (info, "changelist")

        response = client.get(reverse("admin:{}_{}_add".format(*info)))
        if not admin.site._registry[model].has_add_permission(response.wsgi_request):
            assert response.status_code == 403  # candidates come from articles; axes logs its own
        elif model is Article:
            assert response.url == reverse("admin:tracker_article_ingest")
        else:
            assert response.status_code == 200, (info, "add")

        obj = object_for(model, sample)
        if obj is None:
            continue
        response = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        if model.__name__ == "CandidateEvent":
            assert response.url == reverse("admin:tracker_event_change", args=[obj.pk])
        else:
            assert response.status_code == 200, (info, "change")


@pytest.mark.parametrize("name", ["actor", "place", "agreement", "candidate", "actoralias"])
def test_it_shows_history_with_the_editor_who_changed(client, sample, name):
    editor = make_user("Editor", username="curator")
    client.force_login(editor)
    obj = sample[name]
    info = obj._meta.app_label, obj._meta.model_name
    # A change through the admin records the editor (HistoryRequestMiddleware).
    obj._history_user = editor
    obj.save()

    response = client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))

    assert response.status_code == 200
    assert "curator" in response.text


@pytest.mark.parametrize("page", ["index", "changelist", "add", "change", "ingest", "queue"])
def test_it_refuses_anonymous_visitors_and_users_who_are_not_staff(client, sample, page):
    url = {
        "index": reverse("admin:index"),
        "changelist": reverse("admin:tracker_event_changelist"),
        "add": reverse("admin:tracker_actor_add"),
        "change": reverse("admin:tracker_event_change", args=[sample["candidate"].pk]),
        "ingest": reverse("admin:tracker_article_ingest"),
        "queue": reverse("admin:tracker_candidateevent_changelist"),
    }[page]
    login = reverse("admin:login")

    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(login)

    client.force_login(make_user())  # logged in, not staff
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(login)


def test_it_refuses_staff_without_permissions(client, sample):
    user = make_user()
    user.is_staff = True
    user.save()
    client.force_login(user)

    assert client.get(reverse("admin:tracker_event_changelist")).status_code == 403
    assert client.get(reverse("admin:tracker_candidateevent_changelist")).status_code == 403
    assert client.get(reverse("admin:tracker_article_ingest")).status_code == 403


def test_it_shows_the_counts_that_matter_on_the_home_page(client, django_assert_max_num_queries):
    make_event(status=Event.Status.CANDIDATE)
    make_event(status=Event.Status.CANDIDATE)
    make_event(status=Event.Status.PUBLISHED)
    make_article(status=Article.Status.FAILED, error="boom")
    make_article(status=Article.Status.PARSED, parsed_at=timezone.now())
    make_article(status=Article.Status.PARSED, parsed_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(make_user("Editor"))

    # session, user, article counts, candidates count, the editor's
    # permissions (2), recent actions.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("admin:index"))

    counts = response.context["dashboard"]
    assert counts["candidates"] == 2
    assert counts["failed"] == 1
    assert counts["parsed_today"] == 1
    assert "candidate events waiting for review" in response.text


def test_it_escapes_markup_in_names_aliases_and_articles(client):
    actor = make_actor(f"Actor {XSS}", aliases=[f"Alias {XSS}"])
    article = make_article(f"Turkey met. {XSS} It ended.", title=f"Title {XSS}")
    event = make_event(
        status=Event.Status.CANDIDATE,
        title=f"Event {XSS}",
        actors=[actor],
        article=article,
        sentence=f"Turkey met. {XSS} It ended.",
    )
    client.force_login(make_user("Reviewer"))
    pages = [
        reverse("admin:tracker_actor_change", args=[actor.pk]),
        reverse("admin:tracker_actor_changelist"),
        reverse("admin:tracker_actoralias_changelist"),
        reverse("admin:tracker_article_change", args=[article.pk]),
        reverse("admin:tracker_article_changelist"),
        reverse("admin:tracker_event_change", args=[event.pk]),
        reverse("admin:tracker_event_changelist"),
        reverse("admin:tracker_eventsource_changelist"),
    ]
    for url in pages:
        html = client.get(url).text
        assert "<script>alert(1)" not in html, url
        assert '"onmouseover=alert(2)' not in html, url
        assert "&lt;script&gt;alert(1)" in html, url


def test_it_lists_curated_data_without_a_query_per_row(client):
    client.force_login(make_user("Editor"))
    for n in range(3):
        make_actor(aliases=[f"alias {n}"])
        make_agreement().party_roles.create(actor=make_actor())
        make_place(parent=make_place())
    counts = {}
    for name in ["actor", "place", "agreement", "actoralias", "eventsource", "eventactor"]:
        url = reverse(f"admin:tracker_{name}_changelist")
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts[name] = len(few)
    for n in range(10):
        make_actor(aliases=[f"more {n}"])
        make_agreement().party_roles.create(actor=make_actor())
        make_place(parent=make_place())
        make_event(status=Event.Status.CANDIDATE, actors=[make_actor()], sentence=f"Sentence {n}.")
    for name, before in counts.items():
        with CaptureQueriesContext(connection) as many:
            client.get(reverse(f"admin:tracker_{name}_changelist"))
        assert len(many) == before, name


def test_it_lists_events_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    client.force_login(make_user("Editor"))
    actors = [make_actor() for _ in range(3)]
    reviewers = [make_user("Reviewer") for _ in range(3)]
    for n in range(30):
        make_event(status=Event.Status.PUBLISHED, actors=actors, reviewed_by=reviewers[n % 3])

    # session, user, the editor's permissions (2), page count, page rows with
    # reviewers, actors of the page's events.
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:tracker_event_changelist"))
    assert response.status_code == 200
