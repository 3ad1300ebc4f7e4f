from tracker.extract.sentences import split_sentences


def texts(text):
    return [s.text for s in split_sentences(text)]


def test_it_splits_on_sentence_ends_and_keeps_offsets():
    text = "Turkey launched an offensive. Russia objected!  Was it planned? Nobody knows."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Turkey launched an offensive.",
        "Russia objected!",
        "Was it planned?",
        "Nobody knows.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_it_keeps_titles_and_abbreviations_inside_a_sentence():
    text = (
        "Gen. Joseph Dunford met Lt. Col. Sean Robertson on Sept. 17 at No. 10 Downing St. in London. "
        "Mr. Smith and Dr. Jones agreed."
    )
    assert texts(text) == [
        "Gen. Joseph Dunford met Lt. Col. Sean Robertson on Sept. 17 at No. 10 Downing St. in London.",
        "Mr. Smith and Dr. Jones agreed.",
    ]


def test_it_splits_after_an_initialism_only_before_a_clear_sentence_start():
    text = "They expect the U.S. to implement the road map. Talks with the U.S. The next round is in May."
    assert texts(text) == [
        "They expect the U.S. to implement the road map.",
        "Talks with the U.S.",
        "The next round is in May.",
    ]


def test_it_handles_quotes_and_paragraph_breaks():
    text = '"We keep an ear close to the ground. There is coordination," said the sources.\n\nA new paragraph'
    assert texts(text) == [
        '"We keep an ear close to the ground.',
        'There is coordination," said the sources.',
        "A new paragraph",
    ]


def test_it_splits_before_a_capital_with_an_accent():
    assert texts("They will leave the town. Çavuşoğlu said so.") == ["They will leave the town.", "Çavuşoğlu said so."]


def test_it_leaves_a_wire_dateline_out_of_the_first_sentence():
    text = "BEIRUT, Oct 9 (Reuters) - Turkish forces crossed the border. More follows."
    sentences = split_sentences(text)
    assert sentences[0].text == "Turkish forces crossed the border."
    assert text[sentences[0].start : sentences[0].end] == sentences[0].text


def test_it_returns_nothing_for_blank_text():
    assert split_sentences("") == []
    assert split_sentences("  \n\n \t") == []


def test_it_cuts_a_run_on_sentence_into_bounded_pieces():
    from tracker.extract.sentences import MAX_SENTENCE

    text = "word " * 1000
    sentences = split_sentences(text)
    assert len(sentences) > 1
    assert all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_it_leaves_out_datelines_with_two_cities_a_country_and_a_day_or_a_state_agency():
    for dateline in (
        "AKCAKALE, Turkey/BEIRUT (Reuters) - ",
        "NEW YORK/GENEVA (UN News) - ",
        "SOCHI, Russia, Oct 22 (Reuters) - ",
        "Damascus, SANA - ",
    ):
        (first,) = split_sentences(dateline + "Syrian troops entered the town.")
        assert first.text == "Syrian troops entered the town."
