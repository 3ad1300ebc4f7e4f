import datetime as dt

import pytest

from tracker.extract.dates import FUTURE, PAST, clause_tense, find_dates
from tracker.extract.partial_date import PartialDate

WED_2019_02_13 = dt.date(2019, 2, 13)


def dates(sentence, published=WED_2019_02_13, **kwargs):
    """Return (date, date_end or None, text) for each date found."""
    return [
        (d.date.isoformat(), d.date_end.isoformat() if d.date_end else None, d.text)
        for d in find_dates(sentence, published, **kwargs)
    ]


def one(sentence, published=WED_2019_02_13):
    found = dates(sentence, published)
    assert len(found) == 1, found
    return found[0][0] if found[0][1] is None else (found[0][0], found[0][1])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("They met on 17 September 2018.", "2018-09-17"),
        ("They met on September 17, 2018.", "2018-09-17"),
        ("They met on Sept. 17, 2018.", "2018-09-17"),
        ("They met on the 17th of September 2018.", "2018-09-17"),
        ("They met on 2018-09-17.", "2018-09-17"),
        ("They met on 17/09/2018.", "2018-09-17"),
        ("They met in November 2016.", "2016-11"),
        ("They met in Sept. 2016.", "2016-09"),
        ("They met in 2016.", "2016"),
        ("Talks stalled in early 2018.", "2018"),
        ("Talks stalled in late 2019.", "2019"),
        ("Talks stalled in mid-October 2019.", "2019-10"),
    ],
)
def test_it_reads_absolute_dates(sentence, expected):
    assert one(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Military sources said yesterday that talks went well.", "2019-02-12"),
        ("The ministers meet today.", "2019-02-13"),
        ("On the sidelines of today's meeting they spoke.", "2019-02-13"),
        ("The summit will be held tomorrow.", "2019-02-14"),
        ("The agreement takes effect at noon today.", "2019-02-13"),
        ("He spoke this morning.", "2019-02-13"),
        ("The offensive began the day before yesterday.", "2019-02-11"),
    ],
)
def test_it_resolves_relative_days_against_the_publication_date(sentence, expected):
    assert one(sentence) == expected


def test_it_resolves_a_weekday_to_the_most_recent_one_publication_day_included():
    assert one("Russia welcomed the deal on Tuesday.", dt.date(2018, 9, 18)) == "2018-09-18"  # a Tuesday
    assert one("Shoigu said on Monday evening that no offensive was planned.", dt.date(2018, 9, 18)) == "2018-09-17"
    assert one("The phone call took place on Sunday.", dt.date(2019, 10, 10)) == "2019-10-06"


def test_it_resolves_a_weekday_in_the_future_tense_to_the_next_one():
    assert one("The talks will be held on Monday.", dt.date(2020, 3, 6)) == "2020-03-09"
    assert one("The talks are scheduled for Tuesday.", dt.date(2019, 10, 21)) == "2019-10-22"
    assert one("They met last Friday.", dt.date(2020, 3, 6)) == "2020-02-28"
    assert one("They meet next Friday.", dt.date(2020, 3, 6)) == "2020-03-13"


def test_it_gives_a_date_without_a_year_the_year_its_tense_points_to():
    published = dt.date(2020, 3, 6)
    assert one("Joint patrols will begin on March 15.", published) == "2020-03-15"
    assert one("Soldiers were killed in Idlib on February 27.", published) == "2020-02-27"
    assert one("Turkey launched the operation on March 1.", published) == "2020-03-01"
    assert one("Erdoğan said on December 12 that Turkey would act.", dt.date(2018, 12, 20)) == "2018-12-12"
    assert one("Turkey designated the HTS as a terrorist group in August.", WED_2019_02_13) == "2018-08"
    assert one("The zone must be in place by October 15, Putin said.", dt.date(2018, 9, 18)) == "2018-10-15"
    assert one("The talks will resume on Jan. 15.", dt.date(2019, 12, 28)) == "2020-01-15"
    assert one("In December, the army advanced.", dt.date(2020, 4, 10)) == "2019-12"


def test_it_resolves_months_and_years_relative_to_publication():
    assert one("They signed it in September last year.") == "2018-09"
    assert one("The process began in January last year.", dt.date(2018, 9, 18)) == "2017-01"
    assert one("Patrols would begin later this year.", dt.date(2018, 6, 5)) == "2018"
    assert one("Prices rose last year.") == "2018"
    assert one("Patrols began earlier this month.", dt.date(2019, 11, 20)) == "2019-11"
    assert one("The SDF withdrew last month.", dt.date(2019, 11, 20)) == "2019-10"
    assert one("Elections are due next year.") == "2020"
    assert one("It happened two months ago.") == "2018-12"
    assert one("They met last September.") == "2018-09"


def test_it_reads_the_nth_as_a_day_of_the_publication_month():
    assert one("Police entered the town on the 15th.", dt.date(2019, 11, 20)) == "2019-11-15"
    assert one("Police entered the town on the 25th.", dt.date(2019, 11, 20)) == "2019-10-25"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The meeting is slated for today and tomorrow in Brussels.", ("2019-02-13", "2019-02-14")),
        ("Ministers meet from 13 to 14 February.", ("2019-02-13", "2019-02-14")),
        ("Talks were held between 3 and 5 March.", ("2018-03-03", "2018-03-05")),
        ("Talks ran from February 28 to March 2, 2018.", ("2018-02-28", "2018-03-02")),
        ("Talks ran from February 11-12.", ("2019-02-11", "2019-02-12")),
    ],
)
def test_it_reads_ranges(sentence, expected):
    assert one(sentence) == expected


def test_it_counts_offsets_from_another_date_with_honest_precision():
    found = dates("Turkey launched an offensive on January 20 and took the town two months later.", dt.date(2018, 6, 5))
    assert [d[0] for d in found] == ["2018-01-20", "2018-03"]
    found = dates("They met on March 18 and again a week later.", dt.date(2018, 6, 5))
    assert [d[0] for d in found] == ["2018-03-18", "2018-03-25"]
    found = dates("Erdoğan visited Afrin on March 18 and returned the next day.", dt.date(2018, 6, 5))
    assert [d[0] for d in found] == ["2018-03-18", "2018-03-19"]
    found = dates("They struck the town the same day.", dt.date(2018, 6, 5), anchor=None)
    assert found == []  # nothing to count from


def test_it_counts_from_the_previous_sentence_when_given_an_anchor():
    from tracker.extract.partial_date import PartialDate

    found = dates("The following day, troops withdrew.", anchor=PartialDate(2018, 3, 18))
    assert [d[0] for d in found] == ["2018-03-19"]


@pytest.mark.parametrize(
    "sentence",
    [
        "We keep an ear close to the ground.",
        "Turkey may impose sanctions.",
        "Forces loyal to the PKK march through the countryside at night.",
        "About 2,000 US troops are stationed in Syria.",
        "They will remove fighters within 150 hours.",
        "Resolution 2254 calls for elections.",
        "The YPG would leave Manbij within 90 days.",
        "Russia has recently increased its presence.",
        "The YPG is expected to leave the area soon.",
        "The United Nations said last week that aid arrived.",
        "The zone will be 15 to 20 kilometers deep.",
        "Some 34 Turkish soldiers were killed.",
        "The arrival on 05/06/2019 was delayed.",
        "Nothing happened on 31 February 2019.",
    ],
)
def test_it_finds_no_date_in_numbers_durations_and_vague_times(sentence):
    assert dates(sentence) == []


def test_it_resolves_only_dates_that_carry_their_year_without_a_publication_date():
    assert dates("They signed on 17 September 2018 and met yesterday, on Monday, in May.", None) == [
        ("2018-09-17", None, "17 September 2018")
    ]
    assert dates("In 2016 and two years later.", None) == [("2016", None, "2016"), ("2018", None, "two years later")]


def test_it_gives_offsets_into_the_article():
    found = find_dates("They met yesterday.", WED_2019_02_13, offset=100)
    assert (found[0].start, found[0].end, found[0].text) == (109, 118, "yesterday")


def test_it_tells_the_tense_of_the_clause_around_a_date():
    sentence = "The summit will be held on Monday."
    assert clause_tense(sentence, sentence.index("Monday"), len(sentence) - 1) == FUTURE
    sentence = "On Wednesday, Trump said that the ceasefire would be permanent."
    assert clause_tense(sentence, 3, 12) == PAST
    sentence = "Mattis had approved the plan on October 24."
    assert clause_tense(sentence, sentence.index("October"), sentence.index("October") + 10) == PAST


def test_it_reads_year_ranges_and_a_year_since_when():
    assert one("The Islamic State held Raqqa in 2014–2017.") == ("2014", "2017")
    assert one("Russia backed Damascus in 2011-12.") == ("2011", "2012")
    assert one("Iran has backed the Assad regime since 2011.") == "2011"
    assert dates("The 2018 Sochi deal created a zone.") == []  # a year used as an adjective: no preposition
    assert dates("In 2017–2014 nothing happened.") == [("2017", None, "2017–2014")]  # backwards: no range


def test_it_reads_nights_weeks_and_weekday_nights():
    assert one("Jets struck on the night of 5 to 6 April.", dt.date(2019, 4, 8)) == ("2019-04-05", "2019-04-06")
    assert one("Officials met in the first week of March.", dt.date(2020, 3, 20)) == "2020-03"
    assert one("Clashes erupted on Friday night.", dt.date(2020, 3, 20)) == "2020-03-20"
    assert dates("Akar said so over the weekend.") == []


def test_it_reads_an_untensed_day_just_after_publication_as_the_coming_one():
    published = dt.date(2020, 3, 5)
    assert one("Russia and Turkey agree Idlib ceasefire, effective March 6", published) == "2020-03-06"
    assert one("US to withdraw troops from Syria by end of April, Trump says", published) == "2020-04"
    assert one("The first patrol on the M4 highway is due on Sunday.", dt.date(2020, 3, 13)) == "2020-03-15"
    # Tensed, or far ahead: the past one.
    assert one("Russia and Turkey agreed a ceasefire on March 6.", published) == "2019-03-06"
    assert one("Russia and Turkey agree a ceasefire effective May 20", published) == "2019-05-20"


def test_it_does_not_read_a_future_across_a_quote():
    sentence = '"We will respond," Erdogan told reporters in Ankara on Tuesday.'
    assert clause_tense(sentence, sentence.index("Tuesday"), sentence.index("Tuesday") + 7) == PAST
    assert one(sentence) == "2019-02-12"


def test_it_reads_a_participle_after_a_determiner_as_an_adjective_not_the_tense():
    wed_2018_02_21 = dt.date(2018, 2, 21)
    sentence = "The U.N. Security Council will discuss a proposed 30-day ceasefire on Thursday."
    assert dates(sentence, wed_2018_02_21) == [("2018-02-22", None, "Thursday")]
    sentence = "Turkey condemned the planned offensive on Monday."
    assert dates(sentence, wed_2018_02_21) == [("2018-02-19", None, "Monday")]


def test_it_reads_years_listed_or_ranged_in_words():
    assert dates("From 2014 to 2017, Ankara focused on Islamic State.") == [("2014", "2017", "2014 to 2017")]
    assert dates("Between 2014 and 2019, aid reached millions.") == [("2014", "2019", "2014 and 2019")]
    assert dates("In 2015 and 2016, Russia struck Aleppo.") == [("2015", None, "2015"), ("2016", None, "2016")]
    assert [d[0] for d in dates("Raids in 2014, 2015 and 2016 killed many.")] == ["2014", "2015", "2016"]
    assert dates("In 2015, 2016 people died.") == [("2015", None, "2015")]
    assert dates("Fighters numbered 2014 and 2015 in two counts.") == []


def test_it_reads_weeks_ago_as_no_date():
    assert dates("Two weeks ago, the Security Council demanded a ceasefire.") == []
    assert dates("A week ago the talks collapsed.") == []
    assert one("Three days ago the talks collapsed.") == "2019-02-10"


def test_it_reads_two_days_joined_by_and_as_two_dates_unless_consecutive_or_between():
    published = dt.date(2019, 7, 1)
    assert dates("Its posts were hit on June 27 and 29.", published) == [
        ("2019-06-27", None, "June 27"),
        ("2019-06-29", None, "29"),
    ]
    assert dates("Jets struck on 3 and 5 June.", published) == [
        ("2019-06-03", None, "3"),
        ("2019-06-05", None, "5 June"),
    ]
    assert one("Talks ran between 3 and 5 June.", published) == ("2019-06-03", "2019-06-05")
    assert one("Talks ran on 5 and 6 June.", published) == ("2019-06-05", "2019-06-06")


def test_it_reads_a_year_opening_a_timeline_entry():
    assert dates("2017–2019 – The SDF drives Islamic State from Raqqa.") == [("2017", "2019", "2017–2019")]
    assert dates("2015: Russia intervenes.") == [("2015", None, "2015")]
    assert dates("• 2012 - Rebels take Aleppo.") == [("2012", None, "2012")]
    assert dates("2015 people died in Aleppo.") == []


def test_it_reads_a_year_joined_to_its_modifier_by_a_hyphen():
    assert one("They met in mid-2018.") == "2018"
    assert one("Since mid-2015, Russia has struck Idlib.") == "2015"


def test_it_reads_a_yearless_day_in_the_year_of_a_dated_one_just_before_it():
    assert dates(
        "The Sochi deal, signed on 17 September 2018, was to create a zone by 15 October.", dt.date(2020, 3, 6)
    ) == [
        ("2018-09-17", None, "17 September 2018"),
        ("2018-10-15", None, "15 October"),
    ]
    assert [
        d[0] for d in dates("The evacuation began on 28 December 2016 and ended on 3 January.", dt.date(2017, 6, 1))
    ] == [
        "2016-12-28",
        "2017-01-03",
    ]
    assert [
        d[0]
        for d in dates("Russia intervened in September 2015 and by December had struck Aleppo.", dt.date(2017, 3, 1))
    ] == [
        "2015-09",
        "2015-12",
    ]
    # A day close to publication is this year's, whatever the background says.
    assert [
        d[0]
        for d in dates(
            "Turkey, which took Afrin in September 2018, launched its offensive on Oct. 9.", dt.date(2019, 10, 26)
        )
    ] == [
        "2018-09",
        "2019-10-09",
    ]
    # A bare year is background, not a calendar to read days in.
    assert [
        d[0] for d in dates("The uprising, which began in 2011, was marked on March 15.", dt.date(2021, 3, 20))
    ] == [
        "2011",
        "2021-03-15",
    ]


def test_it_reads_a_year_after_into_through_and_as_of():
    assert one("Operations continued into 2020.") == "2020"
    assert one("Fighting lasted through 2017.") == "2017"
    assert one("As of 2019, six million people had fled.") == "2019"


def test_it_reads_a_weekday_deadline_as_the_coming_one_unless_the_clause_is_past():
    wednesday = dt.date(2019, 11, 20)
    assert one("Turkey has threatened to attack if the SDF does not leave by Friday.", wednesday) == "2019-11-22"
    assert one("Turkey has given the SDF until Friday to withdraw.", wednesday) == "2019-11-22"
    assert one("Fighting continued until Friday.", wednesday) == "2019-11-15"
    assert one("The SDF had until Friday to leave.", wednesday) == "2019-11-15"


def test_it_reads_a_day_or_month_of_last_or_this_year_as_one_date():
    wednesday = dt.date(2019, 11, 20)
    assert dates("Talks collapsed on March 15 of last year.", wednesday) == [
        ("2018-03-15", None, "March 15 of last year")
    ]
    assert dates("In March of this year, Russia struck Idlib.", wednesday) == [("2019-03", None, "March of this year")]


def test_it_reads_a_weekday_of_last_or_next_week():
    wednesday = dt.date(2019, 11, 20)
    assert one("Russia struck Idlib on Tuesday last week.", wednesday) == "2019-11-12"
    assert one("Russia will strike Idlib on Tuesday next week.", wednesday) == "2019-11-26"


def test_it_reads_the_same_month_and_later_that_year_from_the_date_before():
    march_18 = PartialDate(2018, 3, 18)
    assert [d.date.isoformat() for d in find_dates("The same month, Russia struck Ghouta.", None, anchor=march_18)] == [
        "2018-03"
    ]
    assert [d[0] for d in dates("Turkey took Afrin on 18 March 2018, and later that year moved on Tal Rifaat.")] == [
        "2018-03-18",
        "2018",
    ]
    assert find_dates("The same day, Russia struck Ghouta.", None, anchor=PartialDate(2018, 3)) == []


def test_it_reads_a_weekday_after_a_present_progressive_as_the_coming_one():
    wednesday = dt.date(2019, 11, 20)
    assert one("Russia is hosting talks on Friday.", wednesday) == "2019-11-22"
    assert one("Russia, which is backing Assad, struck Idlib on Friday.", wednesday) == "2019-11-15"
    assert one("Russia was hosting talks on Friday.", wednesday) == "2019-11-15"
