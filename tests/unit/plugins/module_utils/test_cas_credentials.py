# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials, their expiry and their one-way fingerprint."""

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import (
    Credentials, credential_fingerprint, parse_expiration)


def test_expiration_times():
    assert parse_expiration('2027-01-15T08:00:00Z') == 1800000000  # date -u -d @1800000000
    assert parse_expiration('2027-01-15T08:00:00.250Z') == 1800000000
    assert parse_expiration('1970-01-01T01:00:00Z') == 3600
    assert parse_expiration('not a time') is None and parse_expiration(None) is None


def test_fingerprint_is_one_way_and_tells_secrets_apart():
    right = credential_fingerprint(Credentials('AKID', 'right-secret'))
    assert len({right, credential_fingerprint(Credentials('AKID', 'wrong-secret')),
                credential_fingerprint(Credentials('AKID', 'right-secret', 'tok'))}) == 3
    assert 'right-secret' not in right and len(right) == 32
