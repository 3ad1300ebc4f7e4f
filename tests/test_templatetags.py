import pytest

from tests.factories import make_agreement
from tracker.templatetags.links import http_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_it_keeps_only_http_links(value, expected):
    assert http_url(value) == expected


@pytest.mark.django_db
def test_it_drops_a_javascript_link_on_the_agreement_page(client):
    agreement = make_agreement("Hostile link accord", source_url="javascript:alert(1)")
    response = client.get(agreement.get_absolute_url())
    assert response.status_code == 200
    assert b"javascript:alert" not in response.content
    assert b"Text of the agreement" not in response.content
