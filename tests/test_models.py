import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_actor, make_event
from tracker.models import ActorAlias, Event

pytestmark = pytest.mark.django_db


def test_it_stores_a_month_precision_event_as_the_whole_month():
    event = make_event("2018-09")
    assert event.precision == "month"
    assert event.date_start == dt.date(2018, 9, 1)
    assert event.date_last == dt.date(2018, 9, 30)
    assert str(event.partial_date) == "2018-09"
    assert event.date_display == "September 2018"


def test_it_orders_partial_dates_coarse_before_fine():
    day = make_event("2018-01-01", title="day")
    year = make_event("2018", title="year")
    month = make_event("2018-01", title="month")
    later = make_event("2017-12-31", title="before")
    assert list(Event.objects.chronological()) == [later, year, month, day]


def test_it_filters_partial_dates_by_overlap():
    month = make_event("2018-09", title="september")
    make_event("2018-08-31", title="august")
    inside = Event.objects.between(dt.date(2018, 9, 15), dt.date(2018, 9, 20))
    assert list(inside) == [month]
    year = make_event("2018", title="year")
    assert set(Event.objects.between(dt.date(2018, 12, 31), dt.date(2019, 1, 5))) == {year}


def test_it_rejects_two_actors_with_the_same_alias_whatever_the_case():
    make_actor("Turkey", aliases=["Ankara"])
    other = make_actor("Somewhere")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorAlias.objects.create(actor=other, name="ANKARA")


def test_it_makes_unique_slugs():
    first = make_actor("Syrian Democratic Forces")
    assert first.slug == "syrian-democratic-forces"
    first.name = "SDF old"
    first.save()
    assert first.slug == "syrian-democratic-forces"


def test_it_shows_only_published_events_to_readers():
    shown = make_event(status=Event.Status.PUBLISHED)
    make_event(status=Event.Status.CANDIDATE)
    make_event(status=Event.Status.REJECTED)
    assert list(Event.objects.published()) == [shown]
