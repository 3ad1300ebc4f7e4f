from tracker.htmltext import html_document, html_to_text


def test_it_keeps_paragraphs_separated_by_a_blank_line():
    html = "<html><body><h1>Title</h1><p>First   paragraph\n spread over lines.</p><p>Second.</p></body></html>"
    assert html_to_text(html) == "Title\n\nFirst paragraph spread over lines.\n\nSecond."


def test_it_drops_scripts_styles_navigation_and_page_furniture():
    html = """<html><head><style>p { color: red }</style><script>var secret = 1;</script></head><body>
    <header>Masthead</header><nav><a href="/">Home</a></nav><div role="banner">Banner</div>
    <p>Kept text.</p><aside>Related</aside><form><label>Email</label><input></form>
    <div hidden>Hidden</div><noscript>Enable JS</noscript><footer>Copyright</footer>
    <!-- a comment --><template><p>Template</p></template></body></html>"""
    assert html_to_text(html) == "Kept text."


def test_it_keeps_line_breaks_list_items_and_table_cells():
    html = (
        "<body><p>Line one<br>Line two</p><ul><li>Alpha</li><li>Beta</li></ul>"
        "<table><tr><td>Idlib</td><td>2019</td></tr></table><pre>kept\nas is</pre></body>"
    )
    assert html_to_text(html) == "Line one\nLine two\n\nAlpha\n\nBeta\n\nIdlib 2019\n\nkept\nas is"


def test_it_prefers_the_article_element_over_the_rest_of_the_page():
    html = "<body><div>Teaser elsewhere</div><article><p>The story.</p></article><div>More teasers</div></body>"
    assert html_to_text(html) == "The story."


def test_it_decodes_entities_and_leaves_markup_as_text():
    assert html_to_text("<p>Turkey &amp; Russia &lt;script&gt; &#8212; talks</p>") == "Turkey & Russia <script> — talks"


def test_it_reads_the_title_date_address_and_publisher_from_the_head():
    html = """<html><head><title>Fallback | Site</title><meta property="og:title" content="Real title">
    <meta property="article:published_time" content="2019-02-13T08:00:00Z">
    <link rel="canonical" href="https://example.org/story"><meta property="og:site_name" content="Site"></head>
    <body><p>Text.</p></body></html>"""
    page = html_document(html)
    assert (page.title, page.published, page.url, page.publisher) == (
        "Real title",
        "2019-02-13T08:00:00Z",
        "https://example.org/story",
        "Site",
    )


def test_it_falls_back_to_the_title_element_and_a_time_element():
    page = html_document('<title>Plain</title><body><time datetime="2018-09-17">17 Sept</time><p>x</p></body>')
    assert page.title == "Plain" and page.published == "2018-09-17"


def test_it_handles_fragments_and_empty_input():
    assert html_to_text("Just <b>text</b>") == "Just text"
    assert html_to_text("") == ""
    assert html_to_text("<script>only()</script>") == ""
