# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate conditions: precise sentences, and failing closed on unknown facts."""

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import MS_PER_DAY, instance_facts
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import (
    check_fact_dict, gate_failures, gate_message, unmet_conditions)

NOW = 1700000000000


def facts(**overrides):
    entry = {'InstanceId': 'cas-member-x', 'Status': 'USED', 'Type': 'SUB_ROOT', 'CertTotalCount': 1000,
             'CertIssuedCount': 998, 'BeforeTime': NOW - MS_PER_DAY, 'AfterTime': NOW + 10 * MS_PER_DAY,
             'UseExpireTime': NOW + 100 * MS_PER_DAY}
    entry.update(overrides)
    return instance_facts(dict((k, v) for k, v in entry.items() if v is not None), NOW)


def test_issue_example_sentence():
    assert unmet_conditions(facts(), {'min_remaining': 50}) == ['2 certificates left, need 50']
    assert unmet_conditions(facts(CertIssuedCount=999), {'min_remaining': 50}) == ['1 certificate left, need 50']


def test_every_condition_is_reported():
    unmet = unmet_conditions(facts(Status='REVOKE', Type='ROOT'), {
        'status': ['USED'], 'type': ['SUB_ROOT'], 'usable': True, 'min_remaining': 50, 'max_usage_percent': 90,
        'min_days_valid': 30, 'min_days_subscription': 365})
    assert unmet == [
        'status REVOKE, need USED', 'type ROOT, need SUB_ROOT', 'not usable (status REVOKE)',
        '2 certificates left, need 50', '99.8% of the certificate quota used, need at most 90%',
        'CA certificate expires in 10 days, need 30', 'subscription ends in 100 days, need 365']


def test_met_conditions_and_unset_ones_are_silent():
    assert unmet_conditions(facts(CertIssuedCount=10), {'status': ['USED'], 'min_remaining': 50, 'min_days_valid': 5,
                                                        'usable': True, 'max_usage_percent': None}) == []
    assert unmet_conditions(facts(), {}) == [] and unmet_conditions(facts(), None) == []


def test_unknown_facts_fail_closed():
    buy = facts(Status='BUY', BeforeTime=None, AfterTime=None, UseExpireTime=None, CertTotalCount=None)
    unmet = unmet_conditions(buy, {'min_remaining': 1, 'min_days_valid': 1, 'min_days_subscription': 1,
                                   'max_usage_percent': 100, 'usable': True})
    assert unmet == ['not usable (status BUY, CA certificate not within its validity period, subscription ended or unknown)',
                     'remaining certificate count unknown, need 1', 'certificate quota usage unknown, need at most 100%',
                     'CA certificate expires: date unknown, need 1 days', 'subscription ends: date unknown, need 1 days']


def test_past_dates_read_as_ago():
    assert unmet_conditions(facts(UseExpireTime=NOW - 3 * MS_PER_DAY), {'min_days_subscription': 1}) == [
        'subscription ends 3 days ago, need 1']


def test_message_lists_each_failing_instance():
    failures = gate_failures([facts(), facts(InstanceId='cas-member-ok', CertIssuedCount=0)], {'min_remaining': 50})
    assert failures == [('cas-member-x', ['2 certificates left, need 50'])]
    assert gate_message(failures) == 'CA gate failed: cas-member-x: 2 certificates left, need 50.'


@pytest.mark.parametrize('value', ['text', 5, None, [], {'status': 'USED'}])
def test_jinja_input_must_be_a_fact_dict(value):
    with pytest.raises(CasConfigError) as err:
        check_fact_dict(value, 'ca_usable')
    assert 'ca_usable expects one CA fact dict' in str(err.value)
