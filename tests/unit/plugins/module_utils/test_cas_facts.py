# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""From an InstanceStatusList entry to facts, derived facts included."""

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError, CasResponseError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import (
    MS_PER_DAY, apply_query, instance_facts, instances_from_response, snake_case)

NOW = 1700000000000
DAY = MS_PER_DAY


def entry(**overrides):
    base = {'InstanceId': 'cas-member-a', 'Status': 'USED', 'Type': 'ROOT', 'CertTotalCount': 100,
            'CertIssuedCount': 12, 'BeforeTime': NOW - 30 * DAY, 'AfterTime': NOW + 400 * DAY + 5,
            'UseExpireTime': NOW + 90 * DAY, 'Identifier': 'a' * 32}
    base.update(overrides)
    return dict((k, v) for k, v in base.items() if v is not None)


def test_official_sample():
    sample = {"RequestId": "25589516-2A56-5159-AB88-4A1D9824E183", "InstanceStatusList": [{
        "CertTotalCount": 10, "Status": "USED", "Type": "ROOT", "CertIssuedCount": 1, "BeforeTime": 1635177600000,
        "Identifier": "a7bb2dd212a2112128cd5cc9b753****", "AfterTime": 1792944000000,
        "InstanceId": "cas-member-0hmi****", "UseExpireTime": 1637251200000}]}
    (facts,) = instances_from_response(sample, 1636000000000)
    assert facts['instance_id'] == 'cas-member-0hmi****'
    assert facts['before_time'] == 1635177600000 and facts['before_time_iso'] == '2021-10-25T16:00:00Z'
    assert facts['after_time_iso'] == '2026-10-25T16:00:00Z'
    assert facts['use_expire_time_iso'] == '2021-11-18T16:00:00Z'
    assert facts['cert_remaining_count'] == 9 and facts['cert_usage_percent'] == 10.0
    assert facts['subscription_days_left'] == 14
    assert facts['usable'] is True


def test_derived_facts():
    facts = instance_facts(entry(), NOW)
    assert facts['cert_remaining_count'] == 88
    assert facts['cert_usage_percent'] == 12.0
    assert facts['validity_days_left'] == 400
    assert facts['subscription_days_left'] == 90
    assert facts['certificate_valid'] and facts['subscription_active'] and facts['usable']


@pytest.mark.parametrize('overrides, usable', [
    ({'Status': 'BUY'}, False),
    ({'Status': 'REFUND'}, False),
    ({'Status': 'REVOKE'}, False),
    ({'Status': 'SOMETHING_NEW'}, False),
    ({'AfterTime': NOW}, False),             # exactly at expiry: no longer valid
    ({'AfterTime': NOW + 1}, True),
    ({'BeforeTime': NOW + 1}, False),        # not valid yet
    ({'BeforeTime': NOW}, True),
    ({'UseExpireTime': NOW}, False),         # subscription ends now
    ({'UseExpireTime': None}, False),        # unknown: fail closed
    ({'AfterTime': None, 'BeforeTime': None}, False),
])
def test_usable_fails_closed(overrides, usable):
    assert instance_facts(entry(**overrides), NOW)['usable'] is usable


def test_exactly_at_expiry_has_zero_days_left():
    facts = instance_facts(entry(AfterTime=NOW), NOW)
    assert facts['validity_days_left'] == 0 and facts['certificate_valid'] is False
    assert instance_facts(entry(AfterTime=NOW - 1), NOW)['validity_days_left'] == -1


def test_instance_without_times():
    facts = instance_facts({'InstanceId': 'cas-member-b', 'Status': 'BUY', 'Type': 'SUB_ROOT', 'CertTotalCount': 5,
                            'CertIssuedCount': 0, 'UseExpireTime': NOW + DAY}, NOW)
    assert facts['before_time'] is None and facts['after_time'] is None and facts['identifier'] is None
    assert facts['before_time_iso'] is None and facts['validity_days_left'] is None
    assert facts['usable'] is False and facts['cert_remaining_count'] == 5


def test_zero_total_has_no_percentage():
    facts = instance_facts(entry(CertTotalCount=0, CertIssuedCount=0), NOW)
    assert facts['cert_usage_percent'] is None and facts['cert_remaining_count'] == 0


def test_unknown_fields_are_kept_snake_cased():
    facts = instance_facts(entry(CaCommonName='x', CRLUrl='y', NewThing={'A': 1}), NOW)
    assert facts['ca_common_name'] == 'x' and facts['crl_url'] == 'y' and facts['new_thing'] == {'A': 1}


@pytest.mark.parametrize('name, expected', [
    ('CertTotalCount', 'cert_total_count'), ('InstanceId', 'instance_id'), ('CRLUrl', 'crl_url'), ('already_snake', 'already_snake')])
def test_snake_case(name, expected):
    assert snake_case(name) == expected


@pytest.mark.parametrize('bad, fragment', [
    ({'Status': None}, 'without Status for instance cas-member-a'),
    ({'InstanceId': None}, 'without InstanceId for entry 0'),
    ({'CertTotalCount': 'ten'}, "CertTotalCount='ten' for instance cas-member-a where a whole number"),
    ({'AfterTime': '2026-01-01'}, 'AfterTime='),
    ({'CertIssuedCount': True}, 'CertIssuedCount=True'),
    ({'CertIssuedCount': -1}, 'CertIssuedCount=-1'),
    ({'Status': 5}, 'Status=5'),
])
def test_malformed_entries_are_errors(bad, fragment):
    with pytest.raises(CasResponseError) as err:
        instance_facts(entry(**bad), NOW)
    assert fragment in str(err.value)


def test_response_without_list_is_an_error():
    with pytest.raises(CasResponseError) as err:
        instances_from_response({'RequestId': 'R1', 'Unexpected': True}, NOW)
    assert 'InstanceStatusList' in str(err.value) and 'R1' in str(err.value)
    with pytest.raises(CasResponseError):
        instances_from_response({'InstanceStatusList': ['x']}, NOW)


def test_query():
    data = [instance_facts(entry(), NOW), instance_facts(entry(InstanceId='cas-member-z', Status='BUY'), NOW)]
    assert apply_query('[?usable].instance_id', data) == ['cas-member-a']
    assert apply_query('[0].cert_remaining_count', data) == 88
    with pytest.raises(CasConfigError) as err:
        apply_query('[?', data)
    assert 'not a valid JMESPath expression' in str(err.value)


@pytest.mark.parametrize('bad, fragment', [
    ({'AfterTime': 253402300800000}, 'AfterTime=253402300800000 for instance cas-member-a where a time in epoch '
                                     'milliseconds (0 to year 9999)'),
    ({'UseExpireTime': 10 ** 20}, 'UseExpireTime=100000000000000000000'),
    ({'CertTotalCount': 10 ** 13}, 'CertTotalCount=10000000000000 for instance cas-member-a where a whole number '
                                   'from 0 to 1000000000000'),
    ({'CertIssuedCount': float('inf')}, 'CertIssuedCount=inf'),
    ({'Status': ['x' * 5000]}, "Status=['xxxxxxxxxxxxxxxx"),
])
def test_values_out_of_range_are_errors_not_exceptions(bad, fragment):
    with pytest.raises(CasResponseError) as err:
        instance_facts(entry(**bad), NOW)
    assert fragment in str(err.value) and len(str(err.value)) < 400


def test_the_last_representable_time_is_accepted():
    facts = instance_facts(entry(AfterTime=253402300799999), NOW)
    assert facts['after_time_iso'] == '9999-12-31T23:59:59Z'


def test_one_instance_listed_twice_is_an_error():
    with pytest.raises(CasResponseError) as err:
        instances_from_response({'RequestId': 'R2', 'InstanceStatusList': [entry(Status='REVOKE'), entry()]}, NOW)
    assert 'listed instance cas-member-a more than once' in str(err.value) and 'R2' in str(err.value)
