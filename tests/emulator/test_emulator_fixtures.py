# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixture loading, validation, relative times, the built-in data and the demo constants."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from emulator import demo, testing
from emulator.fixtures import (DEFAULT_FIXTURES, STATUSES, TYPES, FixtureError, load_fixtures, parse_access_key_arg,
                               parse_time_value, validate_document)

NOW_MS = 1767225600000  # 2026-01-01T00:00:00Z
DAY_MS = 86400 * 1000


def _instance(**overrides):
    base = {'InstanceId': 'cas-member-x', 'Status': 'USED', 'Type': 'ROOT', 'CertTotalCount': 10, 'CertIssuedCount': 1}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


CERT_ID = 'c3e26e7943362eb8ae7cfff3bdf086cd'


def _certificate(**overrides):
    base = {'Identifier': CERT_ID, 'InstanceId': 'cas-member-x', 'CertificateType': 'SERVER', 'CommonName': 'web-01'}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def _doc(instances=(), keys=None, **top):
    doc = {'access_keys': keys if keys is not None else [{'id': 'LTAI5tTestKey', 'secret': 's3cret'}], 'instances': list(instances)}
    doc.update(top)
    return doc


# Built-in data ---------------------------------------------------------------

def test_default_fixtures_cover_every_status_and_type():
    fixtures = load_fixtures(now_ms=NOW_MS)
    mine = fixtures.instances_of(demo.DEFAULT_ACCOUNT_ID)
    assert set(inst['Status'] for inst in mine) == set(STATUSES)
    assert set(inst['Type'] for inst in mine) == set(TYPES)
    by_id = {inst['InstanceId']: inst for inst in mine}
    root = by_id['cas-member-demo-root']
    assert (root['Status'], root['Type'], root['CertTotalCount'], root['CertIssuedCount']) == ('USED', 'ROOT', 100, 12)
    assert root['AfterTime'] - NOW_MS > 3 * 365 * DAY_MS
    assert root['UseExpireTime'] - NOW_MS == 365 * DAY_MS
    nearly = by_id['cas-member-demo-sub-nearly-full']
    assert (nearly['Status'], nearly['Type'], nearly['CertTotalCount'], nearly['CertIssuedCount']) == ('USED', 'SUB_ROOT', 1000, 998)
    assert by_id['cas-member-demo-expiring']['AfterTime'] == NOW_MS + 5 * DAY_MS
    assert by_id['cas-member-demo-sub-ended']['UseExpireTime'] == NOW_MS - 3 * DAY_MS
    buy = by_id['cas-member-demo-buy']
    assert buy['Status'] == 'BUY' and 'UseExpireTime' in buy
    assert not set(buy) & {'BeforeTime', 'AfterTime', 'Identifier'}
    refund = by_id['cas-member-demo-refund']
    assert refund['Status'] == 'REFUND' and not set(refund) & {'BeforeTime', 'AfterTime', 'Identifier'}
    revoked = by_id['cas-member-demo-revoked']
    assert revoked['Status'] == 'REVOKE' and {'BeforeTime', 'AfterTime', 'Identifier'} <= set(revoked)
    for inst in mine:
        if 'Identifier' in inst:
            assert re.match(r'^[0-9a-f]{32}$', inst['Identifier']), inst
    assert 'cas-member-other-account-root' not in by_id
    assert [inst['InstanceId'] for inst in mine] == list(demo.DEMO_INSTANCE_IDS)
    not_yet_valid = by_id[demo.DEMO_NOT_YET_VALID_INSTANCE_ID]
    assert not_yet_valid['Status'] == 'USED'
    assert (not_yet_valid['BeforeTime'], not_yet_valid['AfterTime'], not_yet_valid['UseExpireTime']) == (
        NOW_MS + 2 * DAY_MS, NOW_MS + 3650 * DAY_MS, NOW_MS + 365 * DAY_MS)
    no_before = by_id[demo.DEMO_NO_BEFORE_TIME_INSTANCE_ID]
    assert no_before['Status'] == 'USED' and 'BeforeTime' not in no_before
    assert no_before['AfterTime'] == NOW_MS + 3650 * DAY_MS and 'Identifier' in no_before
    [other] = fixtures.instances_of(demo.OTHER_ACCOUNT_ID)
    assert other['InstanceId'] == demo.OTHER_ACCOUNT_INSTANCE_ID


def test_demo_certificates_agree_with_default_fixtures():
    fixtures = load_fixtures(now_ms=NOW_MS)
    assert list(fixtures.certificates) == list(demo.DEMO_CERTIFICATES.values())
    assert set(demo.DEMO_CERTIFICATE_ISSUERS) == set(demo.DEMO_CERTIFICATES)
    for name, identifier in demo.DEMO_CERTIFICATES.items():
        assert fixtures.issuer_of(identifier) == demo.DEMO_CERTIFICATE_ISSUERS[name], name
        assert re.match(r'^[0-9a-f]{32}$', identifier)
        certificate = fixtures.certificates[identifier]
        assert certificate['CertificateType'] == name.split('-', maxsplit=1)[0].upper(), name
        assert (certificate['Status'] == 'REVOKE') == (name == 'client-revoked'), name
        assert certificate['BeforeDate'] < certificate['AfterDate']
    assert fixtures.issuer_of(demo.UNKNOWN_CERTIFICATE_IDENTIFIER) is None
    ca_identifiers = set(inst.get('Identifier') for _account, inst in fixtures.instances)
    assert not ca_identifiers & set(demo.DEMO_CERTIFICATES.values())
    assert demo.UNKNOWN_CERTIFICATE_IDENTIFIER not in ca_identifiers
    # the healthy root and every unhealthy USED or REVOKE instance of the demo account issued at least one
    issuers = set(demo.DEMO_CERTIFICATE_ISSUERS.values())
    assert set(demo.DEMO_INSTANCE_IDS) - issuers == {'cas-member-demo-buy', 'cas-member-demo-refund'}
    for name in ('DEMO_CERTIFICATES', 'DEMO_CERTIFICATE_ISSUERS', 'UNKNOWN_CERTIFICATE_IDENTIFIER', 'DEMO_INSTANCE_IDS',
                 'DEMO_NOT_YET_VALID_INSTANCE_ID', 'DEMO_NO_BEFORE_TIME_INSTANCE_ID', 'OTHER_ACCOUNT_INSTANCE_ID'):
        assert getattr(testing, name) == getattr(demo, name)


def test_demo_constants_agree_with_default_fixtures():
    keys = load_fixtures(now_ms=NOW_MS).access_keys
    assert keys[demo.DEMO_ACCESS_KEY_ID].secret == demo.DEMO_ACCESS_KEY_SECRET
    assert keys[demo.DEMO_ACCESS_KEY_ID].security_token is None
    sts = keys[demo.DEMO_STS_ACCESS_KEY_ID]
    assert (sts.secret, sts.security_token) == (demo.DEMO_STS_ACCESS_KEY_SECRET, demo.DEMO_STS_SECURITY_TOKEN)
    noperm = keys[demo.NOPERM_ACCESS_KEY_ID]
    assert noperm.secret == demo.NOPERM_ACCESS_KEY_SECRET
    assert 'GetCAInstanceStatus' in noperm.denied_actions
    other = keys[demo.OTHER_ACCOUNT_ACCESS_KEY_ID]
    assert (other.secret, other.account) == (demo.OTHER_ACCOUNT_ACCESS_KEY_SECRET, demo.OTHER_ACCOUNT_ID)
    assert keys[demo.DEMO_ACCESS_KEY_ID].account == demo.DEFAULT_ACCOUNT_ID
    # testing.py re-exports the same values
    for name in ('DEMO_ACCESS_KEY_ID', 'DEMO_ACCESS_KEY_SECRET', 'DEMO_STS_ACCESS_KEY_ID', 'DEMO_STS_ACCESS_KEY_SECRET',
                 'DEMO_STS_SECURITY_TOKEN', 'NOPERM_ACCESS_KEY_ID', 'NOPERM_ACCESS_KEY_SECRET'):
        assert getattr(testing, name) == getattr(demo, name)
    assert demo.DEMO_ACCESS_KEY_ID == 'LTAI5tEmulatorDemoKey01'
    assert demo.DEMO_ACCESS_KEY_SECRET == 'EmulatorDemoSecret-NotASecret-0001'
    assert demo.DEMO_STS_ACCESS_KEY_ID == 'STS.EmulatorDemoStsKey01'
    assert demo.DEMO_STS_ACCESS_KEY_SECRET == 'EmulatorDemoStsSecret-0001'
    assert demo.DEMO_STS_SECURITY_TOKEN == 'EmulatorDemoStsToken+/=0001'
    assert (demo.NOPERM_ACCESS_KEY_ID, demo.NOPERM_ACCESS_KEY_SECRET) == ('LTAI5tEmulatorNoPerm01', 'EmulatorNoPermSecret-0001')


def test_demo_roles_providers_and_metadata_agree_with_default_fixtures():
    fixtures = load_fixtures(now_ms=NOW_MS)
    reader = fixtures.roles[demo.DEMO_ROLE_ARN.lower()]
    assert (reader.arn, reader.account, reader.name) == (demo.DEMO_ROLE_ARN, demo.DEFAULT_ACCOUNT_ID, demo.DEMO_ROLE_NAME)
    assert reader.max_session_duration == 3600 and reader.min_session_duration == 900
    keys = fixtures.access_keys
    assert reader.trusts_key(keys[demo.DEMO_ACCESS_KEY_ID]) and reader.trusts_key(keys[demo.DEMO_STS_ACCESS_KEY_ID])
    assert not reader.trusts_key(keys[demo.OTHER_ACCOUNT_ACCESS_KEY_ID])
    assert demo.DEMO_OIDC_PROVIDER_ARN in reader.trusted_oidc_providers
    admin = fixtures.roles[demo.UNASSUMABLE_ROLE_ARN.lower()]
    assert admin.name == demo.UNASSUMABLE_ROLE_NAME and admin.max_session_duration == 43200
    assert not admin.trusts_key(keys[demo.DEMO_ACCESS_KEY_ID]) and admin.trusts_key(keys[demo.OTHER_ACCOUNT_ACCESS_KEY_ID])
    assert demo.MISSING_ROLE_ARN.lower() not in fixtures.roles
    provider = fixtures.oidc_providers[demo.DEMO_OIDC_PROVIDER_ARN]
    assert demo.DEMO_OIDC_TOKEN in provider.tokens and demo.DEMO_EXPIRED_OIDC_TOKEN in provider.expired_tokens
    assert (provider.issuer, provider.subject) == (demo.DEMO_OIDC_ISSUER, demo.DEMO_OIDC_SUBJECT)
    assert len(demo.DEMO_OIDC_TOKEN.split('.')) == 3
    assert fixtures.metadata['role'] == demo.DEMO_ECS_ROLE_NAME == 'EcsCasGateRole'
    assert fixtures.metadata['enabled'] is True and fixtures.metadata['require_token'] is False
    assert fixtures.metadata['account'] == demo.DEFAULT_ACCOUNT_ID and fixtures.sts['duration'] is None
    assert demo.DEMO_ROLE_ARN == 'acs:ram::1000000000000001:role/cas-gate-reader'
    assert demo.UNASSUMABLE_ROLE_ARN == 'acs:ram::1000000000000001:role/cas-gate-admin'
    assert demo.DEMO_OIDC_PROVIDER_ARN == 'acs:ram::1000000000000001:oidc-provider/ack-rrsa-demo'
    for name in ('DEMO_ROLE_ARN', 'UNASSUMABLE_ROLE_ARN', 'MISSING_ROLE_ARN', 'DEMO_OIDC_PROVIDER_ARN', 'DEMO_OIDC_TOKEN',
                 'DEMO_EXPIRED_OIDC_TOKEN', 'DEMO_ECS_ROLE_NAME', 'DEMO_ROLE_NAME', 'OTHER_ACCOUNT_ID'):
        assert getattr(testing, name) == getattr(demo, name)


def test_credential_sections_are_optional_and_validated():
    fixtures = validate_document(_doc(), 'f.json', NOW_MS)
    assert fixtures.roles == {} and fixtures.oidc_providers == {}
    assert fixtures.metadata == {'enabled': True, 'require_token': False, 'role': None, 'account': '1000000000000001',
                                 'credential_duration': 21600, 'denied_actions': frozenset()}
    doc = _doc(roles=[{'arn': 'acs:ram::2000000000000002:role/Reader', 'max_session_duration': 7200, 'min_session_duration': 5,
                       'trusted_access_keys': ['LTAI5tTestKey'], 'trusted_accounts': [2000000000000002],
                       'external_id': 'abc-123', 'denied_actions': ['GetCAInstanceStatus']}],
               oidc_providers=[{'arn': 'acs:ram::2000000000000002:oidc-provider/p', 'tokens': ['tok'], 'expired_tokens': ['old']}],
               metadata={'enabled': False, 'require_token': True, 'role': 'MyRole', 'account': 2000000000000002,
                         'credential_duration': 60},
               sts={'duration': 30})
    fixtures = validate_document(doc, 'f.json', NOW_MS)
    role = fixtures.roles['acs:ram::2000000000000002:role/reader']
    assert (role.account, role.name, role.max_session_duration, role.min_session_duration) == ('2000000000000002', 'Reader', 7200, 5)
    assert role.trusted_accounts == frozenset(['2000000000000002']) and role.external_id == 'abc-123'
    provider = fixtures.oidc_providers['acs:ram::2000000000000002:oidc-provider/p']
    assert provider.client_ids == ('sts.aliyuncs.com',) and provider.expired_tokens == frozenset(['old'])
    assert fixtures.metadata['account'] == '2000000000000002' and fixtures.metadata['role'] == 'MyRole'
    assert fixtures.sts == {'duration': 30}


# Relative times --------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('now', NOW_MS),
    ('-30d', NOW_MS - 30 * DAY_MS),
    ('+3650d', NOW_MS + 3650 * DAY_MS),
    ('+12h', NOW_MS + 12 * 3600 * 1000),
    ('-90m', NOW_MS - 90 * 60 * 1000),
    ('+45s', NOW_MS + 45 * 1000),
    ('+2w', NOW_MS + 14 * DAY_MS),
    ('now+1d', NOW_MS + DAY_MS),
    (1635177600000, 1635177600000),
])
def test_relative_times(value, expected):
    assert parse_time_value(value, NOW_MS) == expected


@pytest.mark.parametrize('value', ['30d', '+30x', 'tomorrow', True, -5, 1.5, '', None])
def test_bad_times(value):
    with pytest.raises(ValueError):
        parse_time_value(value, NOW_MS)


def test_yaml_and_json_files_load_the_same(tmp_path):
    doc = _doc([_instance(BeforeTime='-1d', AfterTime='+10d', UseExpireTime=1700000000000, Identifier='ab' * 16,
                          ResourceGroupId='rg-1', Tags=[{'TagKey': 'k', 'TagValue': 'v'}])])
    json_path = tmp_path / 'f.json'
    json_path.write_text(json.dumps(doc), encoding='utf-8')
    yaml_path = tmp_path / 'f.yml'
    yaml_path.write_text("""
access_keys:
  - {id: LTAI5tTestKey, secret: s3cret}
instances:
  - InstanceId: cas-member-x
    Status: USED
    Type: ROOT
    CertTotalCount: 10
    CertIssuedCount: 1
    BeforeTime: "-1d"
    AfterTime: "+10d"
    UseExpireTime: 1700000000000
    Identifier: abababababababababababababababab
    ResourceGroupId: rg-1
    Tags: [{TagKey: k, TagValue: v}]
""", encoding='utf-8')
    from_json = load_fixtures(str(json_path), now_ms=NOW_MS)
    from_yaml = load_fixtures(str(yaml_path), now_ms=NOW_MS)
    assert from_json.instances == from_yaml.instances
    inst = from_json.instances_of(demo.DEFAULT_ACCOUNT_ID)[0]
    assert inst['BeforeTime'] == NOW_MS - DAY_MS and inst['AfterTime'] == NOW_MS + 10 * DAY_MS
    assert inst['ResourceGroupId'] == 'rg-1' and inst['Tags'] == [{'TagKey': 'k', 'TagValue': 'v'}]


def test_accounts_and_extra_keys():
    doc = _doc([_instance(), _instance(InstanceId='cas-member-y', account=2000)],
               keys=[{'id': 'A1', 'secret': 's', 'account': '2000'}, {'id': 'A2', 'secret': 's', 'account': 2000}, {'id': 'A3', 'secret': 's'}],
               default_account='3000')
    fixtures = validate_document(doc, 'inline', NOW_MS, extra_keys=[('EXTRA', 'x')])
    assert [i['InstanceId'] for i in fixtures.instances_of('3000')] == ['cas-member-x']
    assert [i['InstanceId'] for i in fixtures.instances_of('2000')] == ['cas-member-y']
    keys = fixtures.access_keys
    assert keys['A1'].throttle_bucket == keys['A2'].throttle_bucket == 'account:2000'
    assert keys['A3'].throttle_bucket == 'key:A3' and keys['A3'].account == '3000'
    assert keys['EXTRA'].account == '3000' and keys['EXTRA'].secret == 'x'


def test_parse_access_key_arg():
    assert parse_access_key_arg('LTAIx:se:cret') == ('LTAIx', 'se:cret')
    for bad in ('nocolon', ':secret', 'id:'):
        with pytest.raises(FixtureError):
            parse_access_key_arg(bad)


# Malformed files: in process ---------------------------------------------------

INVALID_DOCS = {
    'top_level_list': ([], 'top level must be a mapping'),
    'unknown_top_key': (dict(_doc(), extra=1), "unknown top-level key 'extra'"),
    'bad_status': (_doc([_instance(Status='ACTIVE')]), "instances[0] (InstanceId 'cas-member-x'): field 'Status'"),
    'bad_type': (_doc([_instance(Type='INTERMEDIATE')]), "field 'Type'"),
    'duplicate_instance': (_doc([_instance(), _instance()]), "instances[1]: duplicate InstanceId 'cas-member-x'"),
    'negative_count': (_doc([_instance(CertIssuedCount=-1)]), "field 'CertIssuedCount': must not be negative"),
    'string_count': (_doc([_instance(CertTotalCount='10')]), "field 'CertTotalCount': must be an integer"),
    'issued_over_total': (_doc([_instance(CertIssuedCount=11)]), 'must not exceed CertTotalCount'),
    'bad_time': (_doc([_instance(AfterTime='+3y')]), "field 'AfterTime'"),
    'buy_with_identifier': (_doc([_instance(Status='BUY', Identifier='ab' * 16)]), "field 'Identifier': not allowed with Status BUY"),
    'missing_instance_id': (_doc([_instance(InstanceId=None)]), "instances[0]: field 'InstanceId'"),
    'duplicate_key': (_doc(keys=[{'id': 'K', 'secret': 'a'}, {'id': 'K', 'secret': 'b'}]), "access_keys[1]: duplicate id 'K'"),
    'key_without_secret': (_doc(keys=[{'id': 'K'}]), "access_keys[0] (id 'K'): field 'secret'"),
    'key_unknown_field': (_doc(keys=[{'id': 'K', 'secret': 'a', 'secert': 'b'}]), "unknown field 'secert'"),
    'instances_not_list': ({'instances': {'a': 1}}, 'instances: must be a list'),
    'role_bad_arn': (_doc(roles=[{'arn': 'acs:ram::x:role/r'}]), "roles[0]: field 'arn': must look like acs:ram::"),
    'role_unknown_field': (_doc(roles=[{'arn': 'acs:ram::1:role/r', 'trusted': []}]), "roles[0]: unknown field 'trusted'"),
    'role_duplicate': (_doc(roles=[{'arn': 'acs:ram::1:role/r'}, {'arn': 'acs:ram::1:role/R'}]), 'roles[1]: duplicate arn'),
    'role_max_duration': (_doc(roles=[{'arn': 'acs:ram::1:role/r', 'max_session_duration': 50000}]),
                          "field 'max_session_duration': must be an integer between 900 and 43200"),
    'role_min_duration': (_doc(roles=[{'arn': 'acs:ram::1:role/r', 'min_session_duration': 0}]), "field 'min_session_duration'"),
    'role_trusted_not_list': (_doc(roles=[{'arn': 'acs:ram::1:role/r', 'trusted_access_keys': 'K'}]),
                              "field 'trusted_access_keys': must be a list"),
    'roles_not_list': (_doc(roles={'arn': 'x'}), 'roles: must be a list'),
    'oidc_bad_arn': (_doc(oidc_providers=[{'arn': 'acs:ram::1:role/r', 'tokens': ['t']}]), "oidc_providers[0]: field 'arn'"),
    'oidc_without_tokens': (_doc(oidc_providers=[{'arn': 'acs:ram::1:oidc-provider/p'}]), "field 'tokens': must list at least one"),
    'metadata_unknown_field': (_doc(metadata={'roles': 'x'}), "metadata: unknown field 'roles'"),
    'metadata_bad_role': (_doc(metadata={'role': 'a b'}), "metadata: field 'role'"),
    'metadata_bad_flag': (_doc(metadata={'require_token': 'yes'}), "field 'require_token': must be true or false"),
    'sts_bad_duration': (_doc(sts={'duration': 0}), "sts: field 'duration'"),
    'certificates_not_list': (_doc([_instance()], certificates={'Identifier': 'x'}), 'certificates: must be a list'),
    'certificate_not_mapping': (_doc([_instance()], certificates=['ab' * 16]), 'certificates[0]: must be a mapping'),
    'certificate_unknown_field': (_doc([_instance()], certificates=[_certificate(Issuer='cas-member-x')]),
                                  "certificates[0] (Identifier '%s'): unknown field 'Issuer'" % CERT_ID),
    'certificate_upper_case': (_doc([_instance()], certificates=[_certificate(Identifier=CERT_ID.upper())]),
                               "field 'Identifier': must be 32 lower-case hexadecimal digits"),
    'certificate_short_identifier': (_doc([_instance()], certificates=[_certificate(Identifier='abc')]), "field 'Identifier'"),
    'certificate_without_identifier': (_doc([_instance()], certificates=[_certificate(Identifier=None)]),
                                       "certificates[0]: field 'Identifier'"),
    'certificate_unknown_instance': (_doc([_instance()], certificates=[_certificate(InstanceId='cas-member-gone')]),
                                     "field 'InstanceId': the issuing instance must be one of the fixture instances (got 'cas-member-gone')"),
    'certificate_bad_type': (_doc([_instance()], certificates=[_certificate(CertificateType='END_ENTITY')]),
                             "field 'CertificateType': must be one of CLIENT, SERVER"),
    'certificate_bad_status': (_doc([_instance()], certificates=[_certificate(Status='REVOKED')]), "field 'Status': must be one of ISSUE, REVOKE"),
    'certificate_empty_name': (_doc([_instance()], certificates=[_certificate(CommonName=' ')]), "field 'CommonName'"),
    'certificate_bad_time': (_doc([_instance()], certificates=[_certificate(AfterDate='+1y')]), "field 'AfterDate'"),
    'certificate_duplicate': (_doc([_instance()], certificates=[_certificate(), _certificate(CommonName='b')]),
                              "certificates[1]: duplicate Identifier '%s'" % CERT_ID),
    'certificate_is_a_ca_identifier': (_doc([_instance(Identifier=CERT_ID)], certificates=[_certificate()]),
                                       "certificates[0]: Identifier '%s' is already the CA certificate identifier of instance 'cas-member-x'" % CERT_ID),
}


@pytest.mark.parametrize('case', sorted(INVALID_DOCS))
def test_validation_errors_in_process(case):
    doc, fragment = INVALID_DOCS[case]
    with pytest.raises(FixtureError) as info:
        validate_document(doc, 'file.json', NOW_MS)
    message = str(info.value)
    assert fragment in message
    assert message.startswith('file.json')
    assert '\n' not in message


# Malformed files: as a subprocess ---------------------------------------------

SUBPROCESS_CASES = {
    'yaml_syntax': ('f.yml', 'instances:\n  - {InstanceId: x, Status: USED\n', 'not valid YAML'),
    'json_syntax': ('f.json', '{"instances": [}', 'not valid JSON'),
    'top_level_scalar': ('f.yml', 'just a string\n', 'top level must be a mapping'),
    'bad_status': ('f.json', json.dumps(_doc([_instance(Status='ACTIVE')])), "field 'Status'"),
    'bad_type': ('f.yml', json.dumps(_doc([_instance(Type='LEAF')])), "field 'Type'"),
    'duplicate_ids': ('f.json', json.dumps(_doc([_instance(), _instance()])), 'duplicate InstanceId'),
    'negative_count': ('f.json', json.dumps(_doc([_instance(CertTotalCount=-3)])), "field 'CertTotalCount'"),
    'bad_relative_time': ('f.json', json.dumps(_doc([_instance(UseExpireTime='soon')])), "field 'UseExpireTime'"),
    'duplicate_key': ('f.json', json.dumps(_doc(keys=[{'id': 'K', 'secret': 'a'}, {'id': 'K', 'secret': 'b'}])), 'duplicate id'),
    'bad_key': ('f.json', json.dumps(_doc(keys=[{'secret': 'a'}])), "field 'id'"),
    'certificate_unknown_instance': ('f.yml', json.dumps(_doc([_instance()], certificates=[_certificate(InstanceId='cas-member-y')])),
                                     "certificates[0] (Identifier '%s'): field 'InstanceId'" % CERT_ID),
}


CLI_CASES = {
    'missing_file': (['--fixtures', '/nonexistent/fixtures.yml'], 'cannot read fixtures file'),
    'sts_duration_zero': (['--sts-duration', '0'], '--sts-duration must be between 1 and 43200'),
    'access_key_without_colon': (['--access-key', 'no-colon'], '--access-key must be ID:SECRET'),
    'access_key_duplicate': (['--access-key', '%s:x' % demo.DEMO_ACCESS_KEY_ID], 'duplicate id'),
}


@pytest.fixture(scope='module')
def startup_failures(tmp_path_factory):
    """Run every malformed-file and bad-option case as a real subprocess, all at once (keeps the suite fast)."""
    directory = tmp_path_factory.mktemp('malformed')
    commands = {}
    for case, (name, content, _fragment) in SUBPROCESS_CASES.items():
        path = directory / ('%s-%s' % (case, name))
        path.write_text(content, encoding='utf-8')
        commands[case] = (['--fixtures', str(path)], str(path))
    for case, (args, _fragment) in CLI_CASES.items():
        commands[case] = (args, None)
    processes = {}
    for case, (args, _path) in commands.items():
        processes[case] = subprocess.Popen([sys.executable, '-m', 'emulator', '--port', '0'] + args, cwd=testing.COLLECTION_ROOT,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = {}
    for case, process in processes.items():
        out, err = process.communicate(timeout=60)
        results[case] = (process.returncode, out, err, commands[case][1])
    return results


@pytest.mark.parametrize('case', sorted(SUBPROCESS_CASES))
def test_malformed_file_exits_2_with_one_line(startup_failures, case):  # pylint: disable=redefined-outer-name
    returncode, out, err, path = startup_failures[case]
    assert returncode == 2, err
    assert out == ''
    assert 'Traceback' not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith('emulator: error: %s: ' % path)
    assert SUBPROCESS_CASES[case][2] in lines[0]


@pytest.mark.parametrize('case', sorted(CLI_CASES))
def test_bad_command_line_exits_2(startup_failures, case):  # pylint: disable=redefined-outer-name
    returncode, out, err, _path = startup_failures[case]
    assert returncode == 2 and out == ''
    assert 'Traceback' not in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith('emulator: error: ')
    assert CLI_CASES[case][1] in err


def test_default_fixtures_file_is_the_documented_one():
    assert DEFAULT_FIXTURES.endswith('emulator/default_fixtures.yml')


def test_certificates_are_optional_and_loaded_with_resolved_times():
    assert validate_document(_doc([_instance()]), 'f.json', NOW_MS).certificates == {}
    certificates = [_certificate(BeforeDate='-1d', AfterDate=NOW_MS + 5),
                    _certificate(Identifier='cd' * 16, InstanceId='cas-member-y', CertificateType='CLIENT', Status='REVOKE')]
    doc = _doc([_instance(Identifier='ab' * 16), _instance(InstanceId='cas-member-y', account='7')], certificates=certificates)
    fixtures = validate_document(doc, 'f.json', NOW_MS)
    assert fixtures.certificates[CERT_ID] == {'Identifier': CERT_ID, 'InstanceId': 'cas-member-x', 'CertificateType': 'SERVER',
                                              'CommonName': 'web-01', 'Status': 'ISSUE', 'BeforeDate': NOW_MS - DAY_MS,
                                              'AfterDate': NOW_MS + 5}
    assert fixtures.certificates['cd' * 16]['Status'] == 'REVOKE' and 'BeforeDate' not in fixtures.certificates['cd' * 16]
    assert fixtures.issuer_of('cd' * 16) == 'cas-member-y'
    assert fixtures.issuer_of('ab' * 16) is None  # a CA certificate identifier is not an issued certificate
