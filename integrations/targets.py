"""Where a webhook may POST: http(s) URLs of public addresses only (the SSRF guard)."""

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _http_url(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": "Use an http:// or https:// URL."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Put no credentials in the URL."})
    try:
        parts.port  # noqa: B018 (urlsplit checks the port when it is read)
    except ValueError as error:
        raise ValidationError({"url": "The port is not a valid number."}) from error
    return parts


def target_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def resolve_target(url: str) -> list[str]:
    """The addresses a delivery to `url` may connect to: http(s) only, and public ones only (unless
    WEBHOOK_ALLOW_PRIVATE_TARGETS). The delivery connects to these very addresses, so a name that
    resolves to a public address when checked and to a private one a moment later gains nothing."""
    parts = _http_url(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, target_port(parts))
    except (socket.gaierror, UnicodeError, ValueError) as error:
        raise ValidationError({"url": "The host name does not resolve."}) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)))
    if not addresses:
        raise ValidationError({"url": "The host name does not resolve."})
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and not all(_is_public(address) for address in addresses):
        raise ValidationError({"url": "Private, loopback and link-local addresses are not allowed."})
    return addresses


def check_target(url: str) -> None:
    """Refuse anything but http(s) to public addresses (unless WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        _http_url(url)  # any address will do, but only http(s)
    else:
        resolve_target(url)
