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
  - Without terms, returns the facts of every private CA instance of the account.
  - Runs on the controller. Answers are shared through the result cache (O(cache_ttl)) by all hosts and tasks, and
    calls are paced by O(rate_limit), so a play over many hosts makes one API call per CA.
author:
  - seed.alicloud_cas contributors (@seed)
options:
  _terms:
    description: Private CA instance IDs (C(cas-member-...)).
    type: list
    elements: str
    required: false
  on_missing:
    description:
      - What to do with an instance ID the service does not know.
      - V(error) fails the task; V(warn) warns and leaves it out of the result; V(skip) leaves it out silently.
    type: str
    choices: [error, warn, skip]
    default: error
extends_documentation_fragment:
  - seed.alicloud_cas.connection
  - seed.alicloud_cas.connection.plugins
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
'''

RETURN = r'''
_raw:
  description:
    - One dict of instance facts per term (or per instance of the account without terms); see the C(instances)
      return value of M(seed.alicloud_cas.ca_instance_status_info) for the keys.
  type: list
  elements: dict
'''

from ansible.utils.display import Display

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import fetch_status, not_found_error, validate_instance_id
from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_lookup import CasLookupBase

display = Display()


class LookupModule(CasLookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_connection_options(variables, kwargs)
        return self.run_safely(self._status, terms or [])

    def _status(self, terms):
        ids = [validate_instance_id(term, 'term') for term in terms]
        result = fetch_status(self.client(), ids)
        if not ids:
            return result.instances
        if result.missing:
            on_missing = self.get_option('on_missing')
            if on_missing == 'error':
                raise not_found_error(result.missing)
            if on_missing == 'warn':
                display.warning(str(not_found_error(result.missing)))
        by_id = dict((facts['instance_id'], facts) for facts in result.instances)
        return [by_id[instance_id] for instance_id in ids if instance_id in by_id]
