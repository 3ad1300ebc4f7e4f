"""Shared security helpers: who the client is, behind however many proxies we run."""

from django.conf import settings


def client_ip(request) -> str:
    """Return the address of the client that sent `request`.

    Each reverse proxy we run appends the address it saw to X-Forwarded-For,
    so the trustworthy entry is the TRUSTED_PROXIES-th from the right; anything
    to its left was written by the client and may be forged. With no trusted
    proxy the header is ignored. This is the rule DRF's throttles follow with
    NUM_PROXIES, so the login lockout and the API throttle see the same client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote
