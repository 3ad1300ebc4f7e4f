"""A reviewer publishes a candidate from the queue in a real browser."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_actor, make_article, make_event, make_user
from tracker.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_it_publishes_a_candidate_in_one_click(browser, live_server, output_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.implicitly_wait(5)

    make_user("Reviewer", username="reviewer", password="a-long-test-password-1")
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    article = make_article("Turkey and Russia met in Sochi yesterday. Talks went on.", published=dt.date(2019, 2, 13))
    chosen = make_event(
        "2019-02-12",
        title="Turkey and Russia meet in Sochi",
        status=Event.Status.CANDIDATE,
        actors=[turkey, russia],
        article=article,
        sentence="Turkey and Russia met in Sochi yesterday.",
    )
    other = make_event(
        "2019-02",
        title="Talks go on",
        status=Event.Status.CANDIDATE,
        actors=[turkey],
        article=article,
        sentence="Talks went on.",
    )
    wait = WebDriverWait(browser, 10)

    browser.get(live_server.url + reverse("admin:login"))
    browser.find_element(By.NAME, "username").send_keys("reviewer")
    browser.find_element(By.NAME, "password").send_keys("a-long-test-password-1")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "site-name")))

    browser.get(live_server.url + reverse("admin:tracker_candidateevent_changelist"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 2
    assert browser.find_elements(By.CSS_SELECTOR, "mark.hl-date")
    browser.save_screenshot(str(output_dir / "review_queue.png"))

    button = browser.find_element(
        By.CSS_SELECTOR,
        f"button[formaction='{reverse('admin:tracker_candidateevent_publish', args=[chosen.pk])}']",
    )
    button.click()
    link = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a.review-public-link")))
    assert browser.current_url.endswith(reverse("admin:tracker_candidateevent_changelist"))  # no reload
    browser.save_screenshot(str(output_dir / "review_queue_published.png"))

    link.click()
    wait.until(ec.url_contains(reverse("event-detail", args=[chosen.pk])))
    assert "Turkey and Russia meet in Sochi" in browser.page_source
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.status == Event.Status.PUBLISHED
    assert other.status == Event.Status.CANDIDATE
