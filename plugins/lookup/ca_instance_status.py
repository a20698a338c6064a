# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ca_instance_status
short_description: Status facts of Alibaba Cloud private CA instances
version_added: 1.0.0
description:
  - Returns one dict of facts per instance ID given as a term, in the order of the terms, from the Certificate
    Management Service action C(GetCAInstanceStatus). The dicts have the keys of the C(instances) items of
    M(seed.alicloud_cas.ca_instance_status_info).
  - With O(identifier), returns the facts of the instance that issued each client or server certificate given, in
    the order given. This is how a host's certificate leads to the health of the CA behind it.
  - Without terms or O(identifier), returns the facts of every private CA instance of the account.
  - Runs on the controller. Answers are shared through the result cache (O(cache_ttl)) by all hosts and tasks, and
    calls are paced by O(rate_limit), so a play over many hosts makes one API call per CA or certificate.
  - A keyword the lookup does not know (a misspelt option) is an error that lists the valid ones.
author:
  - seed.alicloud_cas contributors (@seed)
options:
  _terms:
    description:
      - Private CA instance IDs (C(cas-member-...)).
      - With O(identifier), they select among the issuers (both must match, as in the API), and a certificate issued by
        an instance that is not among the terms counts as missing (see O(on_missing)).
    type: list
    elements: str
    required: false
  identifier:
    description:
      - The identifier of a client or server certificate (32 hexadecimal characters, as C(ListClientCertificate)
        lists them), or a list of them. The result has one dict per certificate, in the order given, with the facts
        of the instance that issued it, whose C(certificate_identifiers) lists the certificates given that it issued.
      - Each distinct certificate is looked up once, concurrently; one the service knows no issuer for is missing
        (see O(on_missing)).
    type: list
    elements: str
  on_missing:
    description:
      - What to do with an instance ID the service does not know, or a certificate it knows no issuer for (or whose
        issuer is not among the terms).
      - V(error) fails the task; V(warn) warns and leaves it out of the result; V(skip) leaves it out silently.
    type: str
    choices: [error, warn, skip]
    default: error
extends_documentation_fragment:
  - seed.alicloud_cas.connection
  - seed.alicloud_cas.connection.plugins
  - seed.alicloud_cas.connection.variables
'''

EXAMPLES = r'''
# Against the collection's emulator: python3 -m emulator --port 8080 (from the collection root)
- name: Assert in one line
  ansible.builtin.assert:
    that:
      - lookup('seed.alicloud_cas.ca_instance_status', 'cas-member-demo-root') is seed.alicloud_cas.ca_usable
  vars:
    alicloud_cas_endpoint: http://127.0.0.1:8080
    alicloud_cas_access_key_id: LTAI5tEmulatorDemoKey01
    alicloud_cas_access_key_secret: EmulatorDemoSecret-NotASecret-0001

- name: Several instances, tolerating unknown ones
  ansible.builtin.debug:
    msg: "{{ item.instance_id }}: {{ item.cert_remaining_count }} certificates left"
  loop: "{{ query('seed.alicloud_cas.ca_instance_status', 'cas-member-demo-root', 'cas-member-gone', on_missing='warn',
            endpoint='http://127.0.0.1:8080') }}"
  vars:
    alicloud_cas_access_key_id: LTAI5tEmulatorDemoKey01
    alicloud_cas_access_key_secret: EmulatorDemoSecret-NotASecret-0001

- name: Is the CA that issued this host's server certificate healthy?
  ansible.builtin.assert:
    that:
      - lookup('seed.alicloud_cas.ca_instance_status', identifier=server_certificate_identifier) is seed.alicloud_cas.ca_usable
  vars:
    server_certificate_identifier: c3e26e7943362eb8ae7cfff3bdf086cd  # the emulator's server-healthy certificate
    alicloud_cas_endpoint: http://127.0.0.1:8080
    alicloud_cas_access_key_id: LTAI5tEmulatorDemoKey01
    alicloud_cas_access_key_secret: EmulatorDemoSecret-NotASecret-0001
'''

RETURN = r'''
_raw:
  description:
    - One dict of instance facts per term, or per certificate with O(identifier) (or per instance of the account
      without either); see the C(instances) return value of M(seed.alicloud_cas.ca_instance_status_info) for the keys.
  type: list
  elements: dict
'''

from ansible.utils.display import Display

from ansible_collections.seed.alicloud_cas.plugins.plugin_utils import cas_bytecode

cas_bytecode.install()  # before the collection's other imports: see cas_bytecode

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import (
    fetch_status, not_found_error, validate_identifier, validate_instance_id)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_lookup import CasLookupBase

display = Display()


class LookupModule(CasLookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_connection_options(variables, kwargs)
        return self.run_safely(self._status, terms or [])

    def _status(self, terms):
        ids = [validate_instance_id(term, 'term') for term in terms]
        identifiers = self.get_option('identifier')
        if identifiers is not None:
            identifiers = [validate_identifier(i) for i in ([identifiers] if isinstance(identifiers, str) else identifiers)]
            if not identifiers:
                raise CasConfigError('identifier is an empty list: give at least one certificate identifier, or leave '
                                     'identifier out.', option='identifier')
        result = fetch_status(self.client(), ids, identifiers)
        if not ids and not identifiers:
            return result.instances
        if not result.complete:
            on_missing = self.get_option('on_missing')
            if on_missing == 'error':
                raise not_found_error(result, ids)
            if on_missing == 'warn':
                display.warning(str(not_found_error(result, ids)))
        if identifiers:
            return [result.issuers[i] for i in identifiers if i in result.issuers]
        by_id = dict((facts['instance_id'], facts) for facts in result.instances)
        return [by_id[instance_id] for instance_id in ids if instance_id in by_id]
