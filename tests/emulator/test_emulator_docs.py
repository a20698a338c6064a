# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/emulator.md agrees with the code: internal links, error codes and messages, control routes, constants."""

from __future__ import annotations

import os
import re

from emulator import demo, testing
from emulator.control import SETTING_NAMES
from emulator.errors import ERRORS
from emulator.faults import FAULT_KINDS, FAULT_TARGETS

DOC = os.path.join(testing.COLLECTION_ROOT, 'docs', 'emulator.md')


def _doc():
    with open(DOC, encoding='utf-8') as handle:
        return handle.read()


def _anchor(title):
    return re.sub(r'[^a-z0-9 _-]', '', title.strip().lower()).replace(' ', '-')


def test_internal_links_resolve():
    text = _doc()
    anchors = set(_anchor(line.lstrip('#')) for line in text.splitlines() if line.startswith('#'))
    links = set(re.findall(r'\]\(#([^)]+)\)', text))
    assert links and links <= anchors, sorted(links - anchors)


def test_every_emulated_error_code_and_message_is_documented():
    text = _doc()
    for code, (status, message) in ERRORS.items():
        assert '`%s`' % code in text, code
        if code not in ('InternalError', 'ServiceUnavailable'):
            assert message in text, (code, message)
        assert '| %d | `%s`' % (status, code) in text or code in ('Throttling.User',), code


def test_control_routes_settings_faults_and_constants_are_documented():
    text = _doc()
    for route in ('settings', 'credentials', 'credentials/expire', 'faults', 'clock', 'counters', 'certificates', 'reset', 'health'):
        assert '/_emulator/%s`' % route in text, route
    for name in SETTING_NAMES + FAULT_KINDS + FAULT_TARGETS:
        assert '`%s`' % name in text, name
    for name in ('DEMO_ROLE_ARN', 'UNASSUMABLE_ROLE_ARN', 'MISSING_ROLE_ARN', 'DEMO_OIDC_PROVIDER_ARN', 'DEMO_OIDC_TOKEN',
                 'DEMO_EXPIRED_OIDC_TOKEN', 'DEMO_ECS_ROLE_NAME'):
        assert '`%s`' % name in text, name
    for value in (demo.DEMO_ROLE_ARN, demo.UNASSUMABLE_ROLE_ARN, demo.MISSING_ROLE_ARN, demo.DEMO_OIDC_PROVIDER_ARN,
                  demo.DEMO_ECS_ROLE_NAME, demo.DEMO_OIDC_ISSUER, demo.DEMO_OIDC_SUBJECT):
        assert value in text, value
    for variable in ('ALIBABA_CLOUD_STS_ENDPOINT', 'ALICLOUD_CAS_ECS_METADATA_ENDPOINT', '--sts-duration',
                     '--metadata-require-token', '--no-metadata'):
        assert variable in text, variable


def test_demo_instances_and_certificates_are_documented():
    text = _doc()
    for instance_id in demo.DEMO_INSTANCE_IDS + (demo.OTHER_ACCOUNT_INSTANCE_ID,):
        assert re.search(r'^\| `%s` \|' % re.escape(instance_id), text, re.M), instance_id
    assert 'lists %d instances' % len(demo.DEMO_INSTANCE_IDS) in text
    for name, identifier in demo.DEMO_CERTIFICATES.items():
        row = re.search(r'^\| `%s` \| `%s` \|.*$' % (re.escape(name), identifier), text, re.M)
        assert row, name
        assert '`%s`' % demo.DEMO_CERTIFICATE_ISSUERS[name] in row.group(0), name
    for name in ('DEMO_CERTIFICATES', 'DEMO_CERTIFICATE_ISSUERS', 'UNKNOWN_CERTIFICATE_IDENTIFIER', 'DEMO_INSTANCE_IDS',
                 'DEMO_NOT_YET_VALID_INSTANCE_ID', 'DEMO_NO_BEFORE_TIME_INSTANCE_ID', 'OTHER_ACCOUNT_INSTANCE_ID'):
        assert '`%s`' % name in text, name
    assert demo.UNKNOWN_CERTIFICATE_IDENTIFIER in text
