"""The curated gazetteer fixture and the demo articles."""

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models.functions import Lower

from tests.conftest import shared_path
from tests.factories import make_actor, make_place
from tracker.models import (
    Actor,
    ActorAlias,
    ActorRelation,
    Agreement,
    AgreementAlias,
    AgreementParty,
    Place,
    PlaceAlias,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
NAMES = json.loads(shared_path("corpus/names.json").read_text(encoding="utf-8"))
DEMO = FIXTURES / "demo_articles.jsonl"

# names.json writes kinds for people ("armed group"); the model stores values.
ACTOR_KIND = {"state": "state", "armed group": "armed_group", "organisation": "organisation", "person": "person"}

# Latitude/longitude boxes: Syria with a margin into its neighbours, and the
# foreign cities of diplomacy, each checked against where that city really is.
SYRIA_BOX = (32.0, 35.5, 37.6, 42.5)  # south, west, north, east
FOREIGN = {
    "Sochi": (43.6, 39.7),
    "Moscow": (55.75, 37.6),
    "Ankara": (39.9, 32.85),
    "Washington": (38.9, -77.0),
    "Brussels": (50.85, 4.35),
    "Astana": (51.17, 71.45),
    "Geneva": (46.2, 6.15),
    "Tehran": (35.7, 51.4),
    "Beirut": (33.9, 35.5),
    "Amman": (31.95, 35.93),
    "Istanbul": (41.0, 28.95),
    "Gaziantep": (37.06, 37.38),
    "Vienna": (48.2, 16.37),
    "Riyadh": (24.7, 46.7),
    "Doha": (25.29, 51.53),
    "Baghdad": (33.34, 44.4),
    "New York": (40.7, -74.0),
}


def builder():
    """Import fixtures/build/build_curated.py, which is a script, not a package."""
    sys.path.insert(0, str(FIXTURES / "build"))
    try:
        import build_curated
    finally:
        sys.path.pop(0)
    return build_curated


@pytest.fixture(scope="module")
def curated_loaded(django_db_setup, django_db_blocker):
    """Load the fixture once for the module (committed), and remove it after."""
    with django_db_blocker.unblock():
        call_command("loaddata", "curated", verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in (Agreement, Place, Actor):
            model.objects.all().delete()
        # Loading and deleting left history rows; no other module commits any.
        for model in apps.get_app_config("tracker").get_models():
            if model.__name__.startswith("Historical"):
                model.objects.all().delete()


@pytest.fixture
def curated(curated_loaded, db):
    """Give a test the loaded fixture inside its own rolled-back transaction."""


def in_box(lat, lon, box):
    south, west, north, east = box
    return south <= lat <= north and west <= lon <= east


def aliases_of(model_alias, owner_field, owner):
    return set(model_alias.objects.filter(**{owner_field: owner}).values_list("name", flat=True))


def test_it_loads_on_an_empty_database_and_fills_every_table(curated):
    assert Actor.objects.count() > 100
    assert ActorAlias.objects.count() > 300
    assert ActorRelation.objects.filter(kind=ActorRelation.Kind.ACTS_FOR).count() > 40
    assert Place.objects.count() > 130
    assert PlaceAlias.objects.exists()
    assert Agreement.objects.count() >= 15
    assert AgreementAlias.objects.exists() and AgreementParty.objects.exists()
    for model in (Actor, Place, Agreement):
        assert not model.objects.filter(slug="").exists()


def test_it_loads_twice_without_duplicating_rows(curated):
    counts = (Actor.objects.count(), ActorAlias.objects.count(), Place.objects.count())
    call_command("loaddata", "curated", verbosity=0)
    assert (Actor.objects.count(), ActorAlias.objects.count(), Place.objects.count()) == counts


def test_it_leaves_room_for_editors_to_add_rows_after_loading(curated):
    # loaddata writes explicit keys; PostgreSQL's sequences must be moved past them.
    actor = make_actor("Jaysh al-Ahrar", kind=Actor.Kind.ARMED_GROUP, aliases=["Army of the Free"])
    assert actor.pk > Actor.objects.exclude(pk=actor.pk).order_by("-pk").first().pk
    place = make_place("Sarmada", kind="town", parent=Place.objects.get(name="Idlib"))
    assert place.slug == "sarmada"
    assert Agreement.objects.create(name="A new truce").slug == "a-new-truce"


@pytest.mark.parametrize("name", sorted(NAMES["actors"]))
def test_it_holds_every_canonical_actor_with_its_kind_and_aliases(curated, name):
    spec = NAMES["actors"][name]
    actor = Actor.objects.get(name=name)
    assert actor.kind == ACTOR_KIND[spec["kind"]]
    assert set(spec["aliases"]) <= aliases_of(ActorAlias, "actor", actor)
    if "acts_for" in spec:
        assert list(actor.acts_for_on().values_list("name", flat=True)) == [spec["acts_for"]]


@pytest.mark.parametrize("name", sorted(NAMES["places"]))
def test_it_holds_every_canonical_place_with_its_kind_and_aliases(curated, name):
    spec = NAMES["places"][name]
    place = Place.objects.get(name=name)
    assert place.kind == spec["kind"]
    assert set(spec["aliases"]) <= aliases_of(PlaceAlias, "place", place)


@pytest.mark.parametrize("name", sorted(NAMES["agreements"]))
def test_it_holds_every_canonical_agreement_with_its_date_and_aliases(curated, name):
    spec = NAMES["agreements"][name]
    agreement = Agreement.objects.get(name=name)
    assert agreement.date == dt.date.fromisoformat(spec.get("signed") or spec["began"])
    assert agreement.date_precision == "day"
    assert set(spec["aliases"]) <= aliases_of(AgreementAlias, "agreement", agreement)


def test_it_dates_who_acts_for_whom(curated):
    trump = Actor.objects.get(name="Donald Trump")
    assert list(trump.acts_for_on(dt.date(2019, 10, 7)).values_list("name", flat=True)) == ["United States"]
    assert not trump.acts_for_on(dt.date(2022, 1, 1)).exists()
    mattis = Actor.objects.get(name="Jim Mattis")
    assert not mattis.acts_for_on(dt.date(2019, 2, 1)).exists()
    jolani = Actor.objects.get(name="Ahmed al-Sharaa")
    assert list(jolani.acts_for_on(dt.date(2019, 2, 13)).values_list("name", flat=True)) == ["Hayat Tahrir al-Sham"]


def test_it_makes_every_person_act_for_a_state_or_organisation(curated):
    for person in Actor.objects.persons():
        others = person.acts_for_on()
        assert others.exists(), person
        assert not others.filter(kind=Actor.Kind.PERSON).exists(), person


def test_it_files_demonyms_capitals_and_acronyms_for_the_extractor(curated):
    def alias(name):
        return ActorAlias.objects.select_related("actor").get(name=name)

    assert (alias("Turkish").actor.name, alias("Turkish").kind) == ("Turkey", "demonym")
    assert (alias("Ankara").actor.name, alias("Ankara").kind) == ("Turkey", "capital")
    assert (alias("Damascus").actor.name, alias("Damascus").kind) == ("Syrian government", "capital")
    assert (alias("Kremlin").actor.name, alias("Kremlin").kind) == ("Russia", "alias")
    for acronym in ("US", "UN", "EU", "SDF", "HTS", "IS"):
        assert alias(acronym).kind == "acronym" and alias(acronym).match_case, acronym
    # "Syrian" names the government, the opposition, the Kurds and the country alike.
    assert not ActorAlias.objects.filter(name__iexact="Syrian").exists()
    assert not PlaceAlias.objects.filter(name__iexact="Syrian").exists()


def test_it_lets_a_capital_alias_share_its_surface_with_the_city(curated):
    assert Place.objects.get(name="Damascus").kind == "city"
    assert ActorAlias.objects.filter(name="Damascus", kind="capital").exists()
    assert not Place.objects.filter(name__in=["Turkey", "Iran", "Russia", "United States"]).exists()


@pytest.mark.parametrize(
    ("alias_model", "owner", "parent_model"),
    [(ActorAlias, "actor", Actor), (PlaceAlias, "place", Place), (AgreementAlias, "agreement", Agreement)],
)
def test_it_never_reuses_a_surface_within_a_table(curated, alias_model, owner, parent_model):
    lowered = list(alias_model.objects.annotate(low=Lower("name")).values_list("low", f"{owner}__name"))
    assert len({low for low, _ in lowered}) == len(lowered)
    canonical = {name.lower(): name for name in parent_model.objects.values_list("name", flat=True)}
    clashes = [(low, of) for low, of in lowered if low in canonical]
    assert clashes == []


def test_it_gives_agreements_dates_precision_and_parties(curated):
    for agreement in Agreement.objects.all():
        assert agreement.date is not None, agreement
        assert agreement.summary, agreement
        assert agreement.party_roles.exists(), agreement
        assert agreement.places.exists(), agreement
        if agreement.date_precision == "month":
            assert agreement.date.day == 1, agreement
    astana = Agreement.objects.get(name="Astana process")
    guarantors = set(astana.party_roles.filter(role="guarantor").values_list("actor__name", flat=True))
    assert guarantors == {"Russia", "Turkey", "Iran"}
    manbij = Agreement.objects.get(name="Manbij road map")
    assert set(manbij.parties.values_list("name", flat=True)) == {"Turkey", "United States"}
    assert set(Agreement.objects.get(name="Moscow protocol").places.values_list("name", flat=True)) >= {
        "Idlib",
        "M4 highway",
    }


def test_it_places_every_point_where_it_belongs(curated):
    syria = Place.objects.get(name="Syria")
    placed = Place.objects.exclude(latitude__isnull=True)
    for place in placed:
        if place.name in FOREIGN:
            lat, lon = FOREIGN[place.name]
            assert abs(place.latitude - lat) < 0.5 and abs(place.longitude - lon) < 0.5, place
        elif place.parent_id is None or place.parent.name == "Lebanon":
            assert place.name in FOREIGN or in_box(place.latitude, place.longitude, (20, -130, 70, 130)), place
        else:
            assert in_box(place.latitude, place.longitude, SYRIA_BOX), place
    missing = Place.objects.filter(kind__in=["country", "province", "city"], latitude__isnull=True)
    assert list(missing) == []
    for governorate in Place.objects.filter(kind="province"):
        assert governorate.parent == syria
    assert Place.objects.filter(kind="province").count() == 14
    aleppo = Place.objects.get(name="Aleppo")
    assert (round(aleppo.latitude, 1), round(aleppo.longitude, 1)) == (36.2, 37.2)
    assert Place.objects.get(name="Saraqib").parent.name == "Idlib"


def test_it_keeps_curated_json_in_step_with_its_source():
    build_curated = builder()
    assert build_curated.render(build_curated.build()) == (FIXTURES / "curated.json").read_text(encoding="utf-8")


def test_it_rejects_an_alias_that_repeats_another_name():
    build_curated = builder()
    actors = [
        {"id": 1, "name": "Turkey", "kind": "state", "aliases": {"demonym": ["Turkish"]}},
        {"id": 2, "name": "Russia", "kind": "state", "aliases": {"alias": ["turkish"]}},
    ]
    with pytest.raises(build_curated.SourceError, match="turkish"):
        build_curated.build_actors(actors)


def test_it_rejects_a_geonames_record_in_the_wrong_governorate():
    build_curated = builder()
    places = [
        {"id": 1, "name": "Syria", "kind": "country"},
        {"id": 10, "name": "Idlib", "kind": "province", "parent": "Syria", "admin1": "12"},
        {"id": 50, "name": "Manbij", "kind": "city", "parent": "Idlib", "geonameid": 167357},
    ]
    geonames = build_curated.geonames_index([167357])
    assert geonames[167357]["admin1code"] == "09"  # Aleppo governorate
    with pytest.raises(build_curated.SourceError, match="governorate 09"):
        build_curated.build_places(places, geonames)


def demo_lines():
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_it_ships_valid_demo_articles():
    articles = demo_lines()
    assert 8 <= len(articles) <= 12
    assert len({a["id"] for a in articles}) == len(articles)
    for article in articles:
        assert set(article) == {"id", "title", "text", "published", "url", "publisher"}, article["id"]
        assert article["publisher"] == "Syria Conflict Tracker demo"
        assert article["url"] is None or article["url"].startswith("https://example.org/")
        assert 200 <= len(article["text"].split()) <= 500, article["id"]
        assert 2016 <= dt.date.fromisoformat(article["published"]).year <= 2020
        assert article["title"].strip()


def test_it_writes_demo_articles_that_name_the_gazetteer_and_relative_dates(curated):
    surfaces = list(Actor.objects.values_list("name", flat=True)) + list(
        ActorAlias.objects.values_list("name", flat=True)
    )
    days = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    relative = re.compile(rf"\b(yesterday|today|tomorrow|on ({days})|last (week|month|year))\b")
    for article in demo_lines():
        named = [s for s in surfaces if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", article["text"])]
        assert len(named) >= 3, article["id"]
        assert relative.search(article["text"]), article["id"]
