"""Template filters for links whose address came from outside."""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def http_url(value):
    """Return `value` if it is an http(s) address, else an empty string (no javascript: links)."""
    url = str(value or "").strip()
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""
