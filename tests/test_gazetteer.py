import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_actor, make_agreement, make_place
from tracker import gazetteer as gazetteer_module
from tracker.extract.pipeline import extract_events, find_mentions
from tracker.gazetteer import VERSION_KEY, current_gazetteer, load_gazetteer_data
from tracker.models import ActorAlias, AgreementAlias, PlaceAlias

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.delete(VERSION_KEY)
    gazetteer_module._compiled = None
    yield
    gazetteer_module._compiled = None


def make_curated():
    turkey = make_actor("Turkey", aliases=["Turkish"])
    ActorAlias.objects.create(actor=turkey, name="Ankara", kind=ActorAlias.Kind.CAPITAL)
    erdogan = make_actor("Recep Tayyip Erdoğan", kind="person", aliases=["Erdogan"], acts_for=turkey)
    idlib = make_place("Idlib", kind="province")
    PlaceAlias.objects.create(place=idlib, name="Idleb")
    make_place("Ankara")
    sochi = make_agreement("Sochi agreement")
    AgreementAlias.objects.create(agreement=sochi, name="Sochi deal")
    return turkey, erdogan, idlib, sochi


def test_it_loads_every_name_in_a_fixed_number_of_queries():
    make_curated()
    with CaptureQueriesContext(connection) as first:
        load_gazetteer_data()
    for n in range(5):
        make_actor(f"Group {n}", kind="armed_group", aliases=[f"G{n}x", f"Grp {n}"])
        make_place(f"Town {n}")
    with CaptureQueriesContext(connection) as second:
        data = load_gazetteer_data()
    # Queries: acts_for relations, actors, places, agreements, actor aliases, place aliases, agreement aliases.
    assert len(first.captured_queries) == len(second.captured_queries) == 7
    assert len([e for e in data.entries if e.kind == "actor"]) == 7


def test_it_carries_aliases_kinds_and_who_a_person_acts_for():
    turkey, erdogan, idlib, sochi = make_curated()
    data = load_gazetteer_data()
    person = next(e for e in data.entries if e.id == erdogan.pk and e.kind == "actor")
    assert person.acts_for == (turkey.pk,)
    assert person.actor_kind == "person"
    surfaces = {(s.text, s.entry_kind, s.alias_kind) for s in data.surfaces}
    assert ("Ankara", "actor", "capital") in surfaces
    assert ("Idleb", "place", "alias") in surfaces
    assert ("Sochi deal", "agreement", "alias") in surfaces


def test_it_builds_a_gazetteer_the_pipeline_uses():
    turkey, erdogan, idlib, sochi = make_curated()
    text = "Erdogan welcomed the Sochi deal in Idleb on 17 September 2018."
    (event,) = extract_events(text, None, current_gazetteer())
    assert event.actors == [erdogan.pk, turkey.pk]
    assert event.places == [idlib.pk]
    assert event.agreements == [sochi.pk]


def test_it_keeps_the_compiled_gazetteer_until_names_change():
    make_curated()
    first = current_gazetteer()
    with CaptureQueriesContext(connection) as queries:
        assert current_gazetteer() is first
    assert len(queries.captured_queries) == 0


@pytest.mark.parametrize("change", ["actor_alias", "place", "agreement_alias", "delete"])
def test_it_sees_an_editors_change_at_the_next_parse_without_a_restart(change):
    turkey, erdogan, idlib, sochi = make_curated()
    before = current_gazetteer()
    if change == "actor_alias":
        ActorAlias.objects.create(actor=turkey, name="Türkiye")
        text, expected = "Türkiye objected.", ["Turkey"]
    elif change == "place":
        make_place("Saraqib")
        text, expected = "Fighting in Saraqib.", ["Saraqib"]
    elif change == "agreement_alias":
        AgreementAlias.objects.create(agreement=sochi, name="Idlib memorandum")
        text, expected = "The Idlib memorandum holds.", ["Sochi agreement"]
    else:
        PlaceAlias.objects.filter(name="Idleb").delete()
        text, expected = "Fighting in Idleb.", []
    after = current_gazetteer()
    assert after is not before
    assert [m.name for m in find_mentions(text, after)] == expected


def test_it_bumps_the_version_again_after_commit(django_capture_on_commit_callbacks):
    make_curated()
    current_gazetteer()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_place("Afrin")
    assert gazetteer_module.bump_gazetteer_version in callbacks
    version = cache.get(VERSION_KEY)
    gazetteer_module.bump_gazetteer_version()
    assert cache.get(VERSION_KEY) != version
