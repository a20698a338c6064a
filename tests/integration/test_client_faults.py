# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared client against the emulator: every fault kind, clock skew and TLS, over real HTTP."""

import multiprocessing
import time

import pytest

from emulator.testing import (
    start_emulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET,
    DEMO_STS_SECURITY_TOKEN)

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import CasClient
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasResponseError, CasTransportError)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig

ROOT_CA = 'cas-member-demo-root'


def client(url, **kwargs):
    kwargs.setdefault('retries', 3)
    kwargs.setdefault('timeout', 5)
    config = ClientConfig(endpoint=url, access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                          environ={}, **kwargs)
    return CasClient(config, sleep=lambda s: time.sleep(min(s, 0.05)))


# The emulator and emu fixtures come from conftest.py.


@pytest.mark.parametrize('kind', ['http500', 'http503', 'reset', 'html502', 'throttle', 'retry_after'])
def test_transient_faults_are_retried_to_the_right_answer(emu, kind):
    emu.inject(kind, count=2, **({'retry_after_ms': 50} if kind == 'retry_after' else {}))
    c = client(emu.url)
    facts, request_id = c.get_ca_instance_status(ROOT_CA)
    assert facts[0]['instance_id'] == ROOT_CA and facts[0]['usable'] and request_id
    assert c.attempts == 3


def test_a_hung_response_is_cut_by_timeout_and_retried(emu):
    emu.inject('hang', count=1, seconds=20)
    c = client(emu.url, timeout=0.5)
    started = time.monotonic()
    facts, _rid = c.get_ca_instance_status(ROOT_CA)
    assert facts[0]['usable'] and c.attempts == 2
    assert time.monotonic() - started < 10


@pytest.mark.parametrize('kind, fragment', [
    ('truncated', 'not valid JSON (truncated or corrupted'),
    ('bad_shape', 'without an InstanceStatusList list'),
    ('missing_fields', 'without Status for'),
    ('wrong_types', 'where a whole number from 0 to 1000000000000 was expected'),
    ('oversized', 'larger than 8 MiB'),
])
def test_permanent_faults_fail_with_one_clear_sentence(emu, kind, fragment):
    emu.inject(kind)
    c = client(emu.url)
    with pytest.raises(CasResponseError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    assert fragment in str(raised.value) and c.attempts == 1
    assert 'Traceback' not in str(raised.value)


def test_retries_exhausted_report_the_code_and_request_id(emu):
    emu.inject('http503', count=3)
    c = client(emu.url, retries=2)
    with pytest.raises(CasApiError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    assert raised.value.code == 'ServiceUnavailable' and raised.value.request_id
    assert 'gave up after 3 attempts' in str(raised.value)


def test_clock_skew_tells_the_user_to_fix_the_clock(emu):
    emu.skew_clock(20 * 60)
    with pytest.raises(CasApiError) as raised:
        client(emu.url).get_ca_instance_status(ROOT_CA)
    assert raised.value.code == 'InvalidTimeStamp.Expired' and 'fix the clock' in str(raised.value)


def test_unknown_instance_and_wrong_secret(emu):
    with pytest.raises(CasApiError) as raised:
        client(emu.url).get_ca_instance_status('cas-member-nope')
    assert raised.value.code == 'InvalidInstanceId.NotFound'
    bad = CasClient(ClientConfig(endpoint=emu.url, access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret='wrong', environ={}))
    with pytest.raises(CasApiError) as raised:
        bad.get_ca_instance_status(ROOT_CA)
    assert raised.value.code == 'SignatureDoesNotMatch' and 'string to sign is: <redacted>' in str(raised.value)


def test_connection_refused_is_a_clean_error():
    c = client('http://127.0.0.1:9', retries=1)
    with pytest.raises(CasTransportError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    assert 'Could not connect to 127.0.0.1:9' in str(raised.value) and c.attempts == 2


@pytest.fixture(scope='module')
def tls_emulator():
    with start_emulator(tls=True) as emu:
        yield emu


def test_tls_default_refuses_an_unknown_ca_and_says_what_to_do(tls_emulator):
    c = client(tls_emulator.url)
    with pytest.raises(CasTransportError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    assert 'TLS certificate verification failed' in str(raised.value)
    assert 'ca_bundle' in str(raised.value) and 'validate_certs' in str(raised.value)
    assert c.attempts == 1


def test_tls_with_ca_bundle(tls_emulator):
    facts, _rid = client(tls_emulator.url, ca_bundle=tls_emulator.ca_file).get_ca_instance_status(ROOT_CA)
    assert facts[0]['usable']


def test_tls_without_verification_works_and_warns(tls_emulator):
    c = client(tls_emulator.url, validate_certs=False)
    facts, _rid = c.get_ca_instance_status(ROOT_CA)
    assert facts[0]['usable'] and any('validate_certs is false' in w for w in c.warnings)


# ---- hostile and broken answers: bounded time, clean errors, nothing secret -----------------------------------

@pytest.mark.parametrize('kind', ['drip_headers', 'drip_body', 'endless_chunked'])
def test_an_answer_that_does_not_complete_in_time_is_cut_at_timeout(emu, kind):
    emu.inject(kind, count=2, interval=0.3)
    c = client(emu.url, timeout=1, retries=1)
    with pytest.raises(CasTransportError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    assert 'No complete answer from %s within timeout=1.0 seconds' % emu.url.split('//')[1] in str(raised.value)
    assert 'gave up after 2 attempts' in str(raised.value) and c.attempts == 2
    facts, _rid = c.get_ca_instance_status(ROOT_CA)  # the faults are used up: the next call is answered
    assert facts[0]['usable']


@pytest.mark.parametrize('kind', ['reset_mid_body', 'short_body', 'bad_chunked'])
def test_an_answer_broken_mid_body_is_retried_to_the_right_answer(emu, kind):
    emu.inject(kind, count=2)
    c = client(emu.url)
    facts, _rid = c.get_ca_instance_status(ROOT_CA)
    assert facts[0]['instance_id'] == ROOT_CA and facts[0]['usable'] and c.attempts == 3


@pytest.mark.parametrize('kind, fields, fragment', [
    ('bad_gzip', {}, 'says it is compressed (Content-Encoding gzip) but cannot be decompressed'),
    ('deep_json', {}, 'JSON the API never sends (nested too deeply)'),
    ('huge_numbers', {}, 'AfterTime=253402300800000 for instance cas-member-demo-root where a time in epoch'),
    ('huge_numbers', {'field': 'CertTotalCount', 'value': '1e400'}, 'CertTotalCount=inf'),
    ('huge_numbers', {'field': 'CertIssuedCount', 'value': '9' * 5000}, 'JSON the API never sends (a number of 5000 digits)'),
    ('duplicate_instance', {}, 'listed instance cas-member-demo-root more than once'),
])
def test_answers_no_service_sends_fail_with_one_sentence(emu, kind, fields, fragment):
    emu.inject(kind, **fields)
    c = client(emu.url)
    with pytest.raises(CasResponseError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    assert fragment in str(raised.value) and c.attempts == 1 and len(str(raised.value)) < 400


def test_an_endpoint_echoing_the_secret_and_token_gets_neither_printed(emu):
    emu.inject('echo_secret')
    config = ClientConfig(endpoint=emu.url, access_key_id=DEMO_STS_ACCESS_KEY_ID, access_key_secret=DEMO_STS_ACCESS_KEY_SECRET,
                          security_token=DEMO_STS_SECURITY_TOKEN, environ={}, retries=0)
    c = CasClient(config)
    with pytest.raises(CasApiError) as raised:
        c.get_ca_instance_status(ROOT_CA)
    error = raised.value
    shown = [str(error), repr(error), error.code, error.request_id, error.recommend, str(error.to_result())]
    assert '<redacted>' in error.code and '<redacted>' in str(error)
    for secret in (DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN):
        assert all(secret not in text for text in shown if text)


def _waiter(url, cache_dir, out):
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import build_client
    config = ClientConfig(endpoint=url, access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                          timeout=2, retries=1, rate_limit=1000, environ={})
    client_ = build_client(config, environ={'ALICLOUD_CAS_CACHE_DIR': cache_dir})
    started = time.monotonic()
    try:
        client_.get_ca_instance_status(ROOT_CA)
        outcome = 'answered'
    except CasTransportError as error:
        outcome = str(error)
    out.put((time.monotonic() - started, client_.time_bound(), client_.attempts, outcome))


def test_single_flight_waiters_stay_within_their_own_bound(emu, tmp_path):
    # 30 workers ask for the same CA from a hung endpoint. The first calls; the others wait for it, but only as
    # long as leaves each one attempt of its own within timeout x (retries + 1) + waits (here 2 x 2 + 1 = 5 s).
    emu.inject('hang', count=200, seconds=60)
    ctx = multiprocessing.get_context('fork')
    out = ctx.Queue()
    procs = [ctx.Process(target=_waiter, args=(emu.url, str(tmp_path), out)) for _i in range(30)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=60) for _proc in procs]
    for proc in procs:
        proc.join(10)
    bound = results[0][1]
    assert bound == 5.0
    assert all('No complete answer' in outcome or 'No answer' in outcome for _e, _b, _a, outcome in results)
    # Start-up of 30 processes on 2 cores is not the mechanism under test: half a second of slack for it.
    assert max(elapsed for elapsed, _b, _a, _o in results) <= bound + 0.5, sorted(r[0] for r in results)
    # The holder made its 2 attempts; each waiter at most the one its remaining time allowed.
    assert sorted(attempts for _e, _b, attempts, _o in results)[-1] == 2
    assert sum(attempts for _e, _b, attempts, _o in results) <= 2 + 29
