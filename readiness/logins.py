"""Failed logins per address, for the web login and the API token alike.

django-axes locks an account after a few failures wherever they come from; this
slows an address that fails on many accounts, without locking the accounts of
everyone else behind the same office network.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache


def _address_key(request) -> str:
    return f"login-failures:{get_client_ip_address(request)}"


def address_is_slowed(request) -> bool:
    """Whether this address failed LOGIN_ADDRESS_LIMIT logins within the window."""
    return (cache.get(_address_key(request)) or 0) >= settings.LOGIN_ADDRESS_LIMIT


def address_failed(request) -> None:
    key = _address_key(request)
    cache.add(key, 0, timeout=int(settings.LOGIN_ADDRESS_WINDOW.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(settings.LOGIN_ADDRESS_WINDOW.total_seconds()))
