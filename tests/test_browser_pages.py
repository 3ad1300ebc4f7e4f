"""The reader pages in headless Chromium: charts drawn, no console errors, filters usable, screenshots.

Screenshots (desktop and phone width) go to the `output_dir` folder.
"""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place
from tracker.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = (1280, 900), (390, 844)


@pytest.fixture
def driver(browser):
    return browser


@pytest.fixture
def world():
    cache.clear()
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    hts = make_actor("Hayat <b>Tahrir</b> al-Sham", kind="armed_group")
    syria = make_place("Syria", kind="country", latitude=35.0, longitude=38.5)
    idlib = make_place("Idlib", parent=syria, latitude=35.93, longitude=36.63)
    sochi = make_agreement("Sochi agreement")
    article = make_article(
        "Turkey and Russia signed the Sochi agreement in September last year.",
        title="Idlib deal",
        url="https://example.org/a",
    )
    events = [
        make_event("2018-09", title="Sochi agreement signed", kind=Event.Kind.AGREEMENT_SIGNED, actors=[turkey, russia],
                   places=[idlib], agreements=[sochi], article=article,
                   sentence="Turkey and Russia signed the Sochi agreement in September last year."),
        make_event("2018-10-15", title="Deadline for heavy weapons", kind=Event.Kind.DEADLINE, actors=[turkey],
                   agreements=[sochi], places=[idlib]),
        make_event("2019-02-12", title='Talks <script>alert("x")</script> on Idlib', actors=[turkey, russia, hts],
                   places=[idlib]),
        make_event("2019-05-06", date_end="2019-05-20", title="Offensive in southern Idlib",
                   kind=Event.Kind.MILITARY_OPERATION, actors=[russia], places=[idlib]),
        make_event("2019-08", title="Fighting around Khan Sheikhoun", kind=Event.Kind.ATTACK, actors=[hts, russia],
                   places=[idlib], agreements=[sochi]),
        make_event("2020-03-05", title="Moscow ceasefire", kind=Event.Kind.CEASEFIRE, actors=[turkey, russia],
                   places=[syria]),
    ]  # fmt: skip
    make_event("2019-04-01", title="SECRET candidate", status=Event.Status.CANDIDATE, actors=[turkey])
    return {"turkey": turkey, "idlib": idlib, "sochi": sochi, "events": events}


def wait_for_charts(driver, expected: int, timeout: float = 20.0) -> int:
    """Wait until charts.js has drawn every chart of the page; return how many it drew."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while True:
        charts = driver.find_elements(By.CSS_SELECTOR, ".js-chart")
        drawn = driver.find_elements(By.CSS_SELECTOR, ".js-chart.is-drawn .main-svg")
        done = len(driver.find_elements(By.CSS_SELECTOR, ".js-chart.is-drawn"))
        if (len(charts) >= expected and done == len(charts) and drawn) or time.monotonic() > deadline:
            return done
        if expected == 0 and not charts:
            return 0
        time.sleep(0.2)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def shoot(driver, output_dir, name):
    for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        driver.set_window_size(width, height)
        time.sleep(0.6)  # plotly redraws on resize (responsive)
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(full, 6000))
        time.sleep(0.4)
        driver.save_screenshot(str(output_dir / f"pages-{name}-{label}.png"))
        if label == "phone":
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{name}: the page scrolls sideways at phone width ({overflow}px)"
    driver.set_window_size(*DESKTOP)


def test_it_draws_every_page_without_console_errors(driver, live_server, world, output_dir):
    from selenium.webdriver.common.by import By

    pages = [
        ("overview", reverse("overview"), 3),
        ("timeline", reverse("timeline"), 1),
        ("map", reverse("map"), 1),
        ("matrix", reverse("matrix"), 2),
        ("actor", world["turkey"].get_absolute_url(), 2),
        ("place", world["idlib"].get_absolute_url(), 2),
        ("agreement", world["sochi"].get_absolute_url(), 1),
        ("event", world["events"][0].get_absolute_url(), 0),
        ("actors", reverse("actor-index"), 0),
    ]
    driver.set_window_size(*DESKTOP)
    for name, path, charts in pages:
        driver.get(live_server.url + path)
        assert wait_for_charts(driver, charts) == charts, name
        if charts:
            assert driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg"), name
        assert "SECRET" not in driver.page_source, name
        if name == "overview":
            # A name with markup is drawn as the text it is, not as bold.
            labels = [tick.text for tick in driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .ytick text")]
            assert "Hayat <b>Tahrir</b> al-Sham" in labels
        assert console_errors(driver) == [], name
        shoot(driver, output_dir, name)


def test_it_filters_the_timeline_through_the_form_and_keeps_it_in_the_address(driver, live_server, world):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.set_window_size(*DESKTOP)
    driver.get(live_server.url + reverse("timeline"))
    wait_for_charts(driver, 1)
    Select(driver.find_element(By.ID, "id_actor")).select_by_visible_text("Hayat <b>Tahrir</b> al-Sham")
    driver.find_element(By.ID, "id_date_from").send_keys("2019-06")
    driver.find_element(By.CSS_SELECTOR, ".filters button[type=submit]").click()

    assert wait_for_charts(driver, 1) == 1
    assert "date_from=2019-06" in driver.current_url and "actor=" in driver.current_url
    titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".event-list__title")]
    assert titles == ["Fighting around Khan Sheikhoun"]
    export = driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    assert "/api/exports/events.csv?" in export and "date_from=2019-06" in export
    assert console_errors(driver) == []


def test_it_opens_an_event_when_its_point_is_clicked(driver, live_server, world):
    driver.set_window_size(*DESKTOP)
    driver.get(live_server.url + reverse("timeline") + "?kind=ceasefire")
    wait_for_charts(driver, 1)
    # Plotly's click handler is what a reader's click reaches; fire it as a click on the point would.
    driver.execute_script(
        "var plot = document.querySelector('.js-plotly-plot');"
        "var trace = plot.data.find(function (t) { return t.type === 'scatter' || t.type === 'scattergl'; });"
        "plot.emit('plotly_click', {points: [{customdata: trace.customdata[0]}]});"
    )
    deadline = time.monotonic() + 10
    while "/events/" not in driver.current_url and time.monotonic() < deadline:
        time.sleep(0.2)

    assert driver.current_url.endswith(world["events"][-1].get_absolute_url())
