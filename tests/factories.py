"""Small helpers that build rows for tests. Append your own; keep them short."""

import datetime as dt
import itertools

from django.contrib.auth.models import Group, User

from tracker.extract.partial_date import PartialDate
from tracker.models import (
    Actor,
    ActorAlias,
    ActorRelation,
    Agreement,
    Article,
    Event,
    EventActor,
    EventAgreement,
    EventSource,
    Place,
)

_seq = itertools.count(1)


def make_user(*groups, username=None, superuser=False, password="pw-for-tests-123"):
    username = username or f"user{next(_seq)}"
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.org", password)
    else:
        user = User.objects.create_user(username, f"{username}@example.org", password, is_staff=bool(groups))
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_actor(name=None, kind=Actor.Kind.STATE, aliases=(), acts_for=None, **kwargs):
    actor = Actor.objects.create(name=name or f"Actor {next(_seq)}", kind=kind, **kwargs)
    for alias in aliases:
        ActorAlias.objects.create(actor=actor, name=alias)
    if acts_for is not None:
        ActorRelation.objects.create(actor=actor, kind=ActorRelation.Kind.ACTS_FOR, other=acts_for)
    return actor


def make_place(name=None, kind="city", **kwargs):
    return Place.objects.create(name=name or f"Place {next(_seq)}", kind=kind, **kwargs)


def make_agreement(name=None, **kwargs):
    return Agreement.objects.create(name=name or f"Agreement {next(_seq)}", **kwargs)


def make_article(body=None, *, published=dt.date(2019, 2, 13), title="A test article", **kwargs):
    body = body or f"Turkey and Russia met in Sochi yesterday. Test article number {next(_seq)}."
    return Article.objects.create(body=body, published=published, title=title, **kwargs)


def make_event(
    date="2019-02-13",
    *,
    title=None,
    status=Event.Status.PUBLISHED,
    kind=Event.Kind.MEETING,
    actors=(),
    places=(),
    agreements=(),
    date_end=None,
    article=None,
    sentence=None,
    **kwargs,
):
    """Make an event; `date` is YYYY, YYYY-MM or YYYY-MM-DD and sets the precision."""
    start = PartialDate.parse(date)
    event = Event(title=title or f"Event {next(_seq)}", status=status, kind=kind, **kwargs)
    event.set_date(start, PartialDate.parse(date_end) if date_end else None)
    event.save()
    for actor in actors:
        EventActor.objects.create(event=event, actor=actor)
    event.places.add(*places)
    for agreement in agreements:
        EventAgreement.objects.create(event=event, agreement=agreement)
    if article is not None or sentence is not None:
        article = article or make_article()
        sentence = sentence or article.body[:80]
        start_at = max(article.body.find(sentence), 0)
        EventSource.objects.create(
            event=event,
            article=article,
            sentence=sentence,
            char_start=start_at,
            char_end=start_at + len(sentence),
            date_text="yesterday",
        )
    return event
