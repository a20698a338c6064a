# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate conditions: precise sentences, and failing closed on unknown facts."""

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import MS_PER_DAY, instance_facts
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import (
    check_fact_dict, gate_failures, gate_message, unmet_conditions, validate_require)

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
                     'CA certificate validity unknown (BeforeTime and AfterTime missing), need 1 days',
                     'subscription ends: date unknown, need 1 days']


def test_past_dates_read_as_ago():
    assert unmet_conditions(facts(UseExpireTime=NOW - 3 * MS_PER_DAY), {'min_days_subscription': 1}) == [
        'subscription ends 3 days ago, need 1']


def test_message_lists_each_failing_instance():
    failures = gate_failures([facts(), facts(InstanceId='cas-member-ok', CertIssuedCount=0)], {'min_remaining': 50})
    assert [(f['instance_id'], unmet) for f, unmet in failures] == [('cas-member-x', ['2 certificates left, need 50'])]
    assert gate_message(failures) == 'CA gate failed: cas-member-x: 2 certificates left, need 50.'


def test_message_names_the_certificates_an_issuer_was_asked_for():
    issuer = dict(facts(), certificate_identifiers=['cert-1', 'cert-2'])
    assert gate_message(gate_failures([issuer], {'min_remaining': 50})) == (
        'CA gate failed: cas-member-x (issuer of certificates cert-1, cert-2): 2 certificates left, need 50.')


@pytest.mark.parametrize('value', ['text', 5, None, [], {'status': 'USED'}])
def test_jinja_input_must_be_a_fact_dict(value):
    with pytest.raises(CasConfigError) as err:
        check_fact_dict(value, 'ca_usable')
    assert 'ca_usable expects one CA fact dict' in str(err.value)


@pytest.mark.parametrize('require, fragment', [
    ({'max_usage_percent': float('nan')}, 'require.max_usage_percent must be a finite number from 0 to 100, got nan'),
    ({'max_usage_percent': float('inf')}, 'require.max_usage_percent must be a finite number from 0 to 100'),
    ({'max_usage_percent': 100.5}, 'from 0 to 100'),
    ({'max_usage_percent': -1}, 'from 0 to 100'),
    ({'min_remaining': -5}, 'require.min_remaining must be a finite number at least 0, got -5'),
    ({'min_days_valid': float('nan')}, 'require.min_days_valid must be a finite number'),
    ({'min_days_subscription': 'soon'}, 'require.min_days_subscription must be a finite number'),
    ({'min_days_subscription': True}, 'require.min_days_subscription must be a finite number'),
])
def test_thresholds_that_are_not_finite_numbers_in_range_are_errors(require, fragment):
    with pytest.raises(CasConfigError) as err:
        validate_require(require)
    assert fragment in str(err.value)


def test_a_full_ca_never_passes_a_nan_ceiling():
    # Every comparison with NaN is false: without validation `used > nan` would let a full CA through.
    with pytest.raises(CasConfigError):
        validate_require({'max_usage_percent': float('nan')})
    assert unmet_conditions(facts(CertIssuedCount=1000), validate_require({'max_usage_percent': 90})) == [
        '100.0% of the certificate quota used, need at most 90%']


def test_validate_require_keeps_set_conditions_only():
    checked = validate_require({'status': ['USED'], 'min_remaining': 5, 'usable': None})
    assert checked == {'status': ['USED'], 'min_remaining': 5}
    assert validate_require(None) == {}


def test_valid_for_n_days_means_valid_now_too():
    not_yet = facts(BeforeTime=NOW + 2 * MS_PER_DAY, AfterTime=NOW + 3650 * MS_PER_DAY)
    assert unmet_conditions(not_yet, {'min_days_valid': 1}) == [
        'CA certificate not valid yet (valid from 2023-11-16T22:13:20Z), need 1 days']
    assert unmet_conditions(not_yet, {'status': ['USED'], 'min_days_valid': 1}) != []


def test_valid_for_n_days_needs_both_times():
    no_start = facts(BeforeTime=None, AfterTime=NOW + 3650 * MS_PER_DAY)
    assert unmet_conditions(no_start, {'status': ['USED'], 'min_days_valid': 1}) == [
        'CA certificate validity unknown (BeforeTime missing), need 1 days']


def test_expired_reads_as_ago_for_validity():
    expired = facts(BeforeTime=NOW - 10 * MS_PER_DAY, AfterTime=NOW - 2 * MS_PER_DAY)
    assert unmet_conditions(expired, {'min_days_valid': 0}) == ['CA certificate expires 2 days ago, need 0']
