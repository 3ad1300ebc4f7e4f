"""The API documentation page works in a real browser under the site's Content-Security-Policy."""

import pytest
from django.urls import reverse

from tests.factories import make_event

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_it_draws_swagger_ui_from_local_files_with_no_csp_violation(browser, live_server, output_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    make_event(title="A published event")
    browser.get(live_server.url + reverse("api-docs"))
    wait = WebDriverWait(browser, 20)
    # Swagger UI fetched the schema and drew one block per operation.
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".opblock-summary-path")))
    paths = {
        element.text.replace("\u200b", "")
        for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    }
    assert {"/api/events/", "/api/articles/", "/api/exports/events.csv"} <= paths
    browser.save_screenshot(str(output_dir / "api_docs.png"))

    problems = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]
    assert problems == []
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(url.startswith(live_server.url) for url in resources), resources
