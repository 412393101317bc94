"""The client address the login lockout (django-axes) counts failures by."""

from django.conf import settings


def client_address(request) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT reverse proxies, the address the outermost one
    saw: each proxy appends the address it received the request from to X-Forwarded-For, so
    that is the entry TRUSTED_PROXY_COUNT places from the right. Entries further left were
    written by the client and are ignored, so a forged header neither escapes nor resets a
    lockout, and clients behind the same proxy are not locked out together."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
