"""Classifying destination addresses: a pure function, no connection to any of them."""

from __future__ import annotations

import ipaddress

import pytest

from ingest.netguard import classify_address, is_allowed


@pytest.mark.parametrize(("address", "why"), [
    ("10.0.0.1", "private"),
    ("192.168.1.1", "private"),
    ("172.16.5.4", "private"),
    ("169.254.169.254", "link-local"),
    ("100.64.0.1", "shared address space (CGNAT)"),
    ("127.0.0.2", "loopback"),
    ("::1", "loopback"),
    ("::ffff:10.0.0.1", "ipv4-mapped private"),
    ("fc00::1", "private"),
    ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
])
def test_non_public_addresses_are_classified(address: str, why: str) -> None:
    assert classify_address(address) == why
    assert not is_allowed(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:85e5", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None
    assert is_allowed(address)


def test_allowed_networks_open_exactly_what_they_list() -> None:
    only_one = [ipaddress.ip_network("127.0.0.1/32")]
    assert is_allowed("127.0.0.1", only_one)
    assert not is_allowed("127.0.0.2", only_one)
    assert not is_allowed("10.0.0.1", only_one)
