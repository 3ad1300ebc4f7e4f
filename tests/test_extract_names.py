import json
from pathlib import Path

from tracker.extract.names import Gazetteer, find_mentions
from tracker.extract.names_json import gazetteer_data_from_names
from tracker.extract.types import Entry, GazetteerData, Surface

NAMES = Path(__file__).parent / "data" / "extract" / "names.json"


def make_gazetteer():
    return Gazetteer.from_data(gazetteer_data_from_names(json.loads(NAMES.read_text(encoding="utf-8"))))


GAZETTEER = make_gazetteer()


def found(text, gazetteer=GAZETTEER):
    return [(m.text, m.entry_kind, m.name) for m in find_mentions(text, gazetteer)]


def test_it_finds_names_and_aliases_with_offsets():
    text = "Turkey and the Syrian Democratic Forces met near Idleb."
    mentions = find_mentions(text, GAZETTEER)
    assert [(m.name, m.entry_kind) for m in mentions] == [
        ("Turkey", "actor"),
        ("Syrian Democratic Forces", "actor"),
        ("Idlib", "place"),
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


def test_it_prefers_the_longest_name():
    assert found("They implement the Manbij road map.") == [("Manbij road map", "agreement", "Manbij road map")]
    assert found("They met at the Astana talks.") == [("Astana talks", "agreement", "Astana process")]
    assert found("Hayat Tahrir al-Sham's fighters") == [("Hayat Tahrir al-Sham", "actor", "Hayat Tahrir al-Sham")]


def test_it_respects_word_boundaries():
    assert found("Idlibian Turkeys and the Manbijroad") == []
    assert found("the M45 road") == []


def test_it_matches_short_and_all_caps_aliases_only_in_their_case():
    assert found("the US and the UN") == [("US", "actor", "United States"), ("UN", "actor", "United Nations")]
    assert found("let us run; IS fighters; this is it") == [("IS", "actor", "Islamic State")]
    assert found("Hts and nato") == []


def test_it_matches_longer_names_in_any_case_but_not_a_capitalised_name_in_lower_case():
    assert found("TURKEY and the Islamic state") == [
        ("TURKEY", "actor", "Turkey"),
        ("Islamic state", "actor", "Islamic State"),
    ]
    assert found("a roast turkey") == []  # a capitalised name never matches a word in lower case
    data = GazetteerData(
        entries=(Entry(kind="place", id=1, name="Dana"),), surfaces=(Surface("Dana", "place", 1),), version="t"
    )
    assert found("Dana was shelled, officials said dana", Gazetteer.from_data(data)) == [("Dana", "place", "Dana")]


def test_it_reads_possessives_and_hyphenated_compounds():
    assert [m[2] for m in found("Syria's Idlib and the YPG-led, PKK-affiliated, Turkish-Russian patrols")] == [
        "Syria",
        "Idlib",
        "YPG",
        "PKK",
        "Turkey",
        "Russia",
    ]


def test_it_folds_accents_and_dotless_i_and_keeps_offsets():
    text = "Erdogan met Erdoğan's minister Cavusoglu and ÇAVUŞOĞLU's aide."
    mentions = find_mentions(text, GAZETTEER)
    assert [m.name for m in mentions] == [
        "Recep Tayyip Erdoğan",
        "Recep Tayyip Erdoğan",
        "Mevlüt Çavuşoğlu",
        "Mevlüt Çavuşoğlu",
    ]
    assert [text[m.start : m.end] for m in mentions] == ["Erdogan", "Erdoğan", "Cavusoglu", "ÇAVUŞOĞLU"]


def test_it_reads_a_demonym_as_its_state():
    assert found("Turkish and American troops") == [
        ("Turkish", "actor", "Turkey"),
        ("American", "actor", "United States"),
    ]


def test_it_reads_a_capital_as_its_state_unless_it_is_where_something_happens():
    assert [m[1:] for m in found("Ankara and Moscow are monitoring")] == [("actor", "Turkey"), ("actor", "Russia")]
    assert [m[1:] for m in found("Washington may impose sanctions on Ankara")] == [
        ("actor", "United States"),
        ("actor", "Turkey"),
    ]
    assert [m[1:] for m in found("talks in Washington on Monday")] == [("place", "Washington")]
    assert [m[1:] for m in found("agreed with Turkey in Ankara")] == [("actor", "Turkey"), ("place", "Ankara")]
    assert [m[1:] for m in found("a summit held in the Russian city of Sochi")] == [
        ("actor", "Russia"),
        ("place", "Sochi"),
    ]
    assert [m[1:] for m in found("Lavrov visited Damascus")] == [("actor", "Sergey Lavrov"), ("place", "Damascus")]


def test_it_reads_a_capital_taken_or_fled_to_as_the_city():
    assert [m[1:] for m in found("Syrian rebels seized Damascus")] == [("place", "Damascus")]
    assert [m[1:] for m in found("the fall of Damascus")] == [("place", "Damascus")]
    assert [m[1:] for m in found("Assad fled to Moscow")] == [("actor", "Bashar al-Assad"), ("place", "Moscow")]
    assert [m[1:] for m in found("Damascus seized the moment")] == [("actor", "Syrian government")]


def test_it_drops_a_capital_used_as_a_place_when_no_such_place_is_curated():
    data = GazetteerData(
        entries=(Entry(kind="actor", id="iq", name="Iraq", actor_kind="state"),),
        surfaces=(Surface("Baghdad", "actor", "iq", alias_kind="capital"),),
    )
    gazetteer = Gazetteer.from_data(data)
    assert found("Baghdad said no", gazetteer) == [("Baghdad", "actor", "Iraq")]
    assert found("talks in Baghdad", gazetteer) == []


def test_it_honours_match_case_on_an_alias():
    data = GazetteerData(
        entries=(Entry(kind="actor", id=1, name="Wagner Group"),),
        surfaces=(Surface("Wagner", "actor", 1, alias_kind="alias", match_case=True),),
    )
    gazetteer = Gazetteer.from_data(data)
    assert found("Wagner fighters", gazetteer) == [("Wagner", "actor", "Wagner Group")]
    assert found("WAGNER fighters", gazetteer) == []


def test_it_skips_one_letter_aliases_and_empty_gazetteers():
    data = GazetteerData(entries=(Entry(kind="actor", id=1, name="X"),), surfaces=(Surface("X", "actor", 1),))
    assert find_mentions("X marks the spot", Gazetteer.from_data(data)) == []
    assert find_mentions("Turkey", Gazetteer.from_data(GazetteerData(entries=(), surfaces=()))) == []


def test_it_reads_a_capital_with_match_case_beside_a_place_of_that_name():
    data = GazetteerData(
        entries=(
            Entry(kind="actor", id="tr", name="Turkey", actor_kind="state"),
            Entry(kind="place", id=9, name="Ankara"),
        ),
        surfaces=(
            Surface("Ankara", "actor", "tr", alias_kind="capital", match_case=True),
            Surface("Ankara", "place", 9),
        ),
    )
    gazetteer = Gazetteer.from_data(data)
    assert found("Ankara said no", gazetteer) == [("Ankara", "actor", "Turkey")]
    assert found("talks in Ankara", gazetteer) == [("Ankara", "place", "Ankara")]


def test_it_reads_a_plural_demonym_as_its_state():
    assert found("A bombing killed four Americans and two Iranians.") == [
        ("Americans", "actor", "United States"),
        ("Iranians", "actor", "Iran"),
    ]
    assert found("Americanstyle") == []


def test_it_reads_a_name_after_operation_as_part_of_the_operations_name():
    gazetteer = Gazetteer.from_data(
        GazetteerData(
            entries=(Entry("place", 1, "Euphrates"), Entry("actor", 2, "Turkey", actor_kind="state")),
            surfaces=(Surface("Euphrates", "place", 1), Surface("Turkey", "actor", 2)),
        )
    )
    text = "Turkey launched Operation Euphrates Shield west of the Euphrates."
    assert found(text, gazetteer) == [("Turkey", "actor", "Turkey"), ("Euphrates", "place", "Euphrates")]
    assert [m.start for m in find_mentions(text, gazetteer)] == [0, text.rindex("Euphrates")]
