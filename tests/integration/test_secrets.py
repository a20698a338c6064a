# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret or token in any output at -vvvv, in the Ansible log, or in any file written."""

import os
from urllib.parse import quote, quote_plus

from conftest import assert_ok
from emulator.testing import DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN

ENDPOINT_PASSWORD = 'EndpointPassword-in-URL-42'
SECRETS = (DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN, ENDPOINT_PASSWORD)


def forms(secret):
    once = quote(secret, safe='')
    return {secret, once, quote_plus(secret, safe=''), quote(once, safe='')}


def leaks(text):
    return [form for secret in SECRETS for form in forms(secret) if form in text]


def test_no_secret_anywhere_at_vvvv(runner):
    runner.emu.inject('http500', count=1)  # the last task's only attempt meets a server error
    result = runner.playbook('secrets.yml', args=['-vvvv'], extra_vars={
        'sts_key_id': DEMO_STS_ACCESS_KEY_ID, 'sts_secret': DEMO_STS_ACCESS_KEY_SECRET, 'sts_token': DEMO_STS_SECURITY_TOKEN,
        'endpoint_password': ENDPOINT_PASSWORD})
    assert_ok(result)
    out = result.stdout
    # The failure paths really ran: the service's error codes are in the output.
    assert 'SignatureDoesNotMatch' in out and 'InvalidSecurityToken' in out and 'CA gate failed' in out
    assert 'holds credentials' in out and runner.emu.counters()['faults_injected'] >= 3
    assert 'string to sign is: <redacted>' in out
    assert leaks(out) == []
    assert runner.log.exists() and leaks(runner.log.read_text()) == []
    written = [os.path.join(d, f) for d, _s, files in os.walk(str(runner.tmp)) for f in files
               if not d.startswith(str(runner.vars_dir))]
    assert any('cache' in p for p in written)  # the cache was used and is searched too
    for path in written:
        with open(path, 'rb') as handle:
            data = handle.read().decode('utf-8', 'replace')
        assert leaks(data) == [], path
