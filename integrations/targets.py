"""Where a webhook may POST: http(s) URLs of public addresses only (the SSRF guard)."""

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition form carries (mapped, compatible, NAT64, 6to4, Teredo, ISATAP)."""
    last32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    found = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip in IPV4_COMPATIBLE or any(ip in prefix for prefix in NAT64_PREFIXES):
        found.append(last32)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    if (int(ip) >> 32) & 0xFDFFFFFF == 0x00005EFE:  # ISATAP interface identifier ::0:5efe:a.b.c.d / ::200:5efe:…
        found.append(last32)
    return found


def is_public_address(address: str) -> bool:
    """Only globally reachable unicast addresses; an IPv6 form that carries an IPv4 address is as public as that."""
    ip = ipaddress.ip_address(address)
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates += _embedded_ipv4(ip)
    return all(c.is_global and not c.is_multicast for c in candidates)


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
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and not all(is_public_address(address) for address in addresses):
        raise ValidationError({"url": "Private, loopback and link-local addresses are not allowed."})
    return addresses


def check_target(url: str) -> None:
    """Refuse anything but http(s) to public addresses (unless WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        _http_url(url)  # any address will do, but only http(s)
    else:
        resolve_target(url)
