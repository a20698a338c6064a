#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ca_instance_facts
short_description: Gather Alibaba Cloud private CA status as host facts
version_added: 1.0.0
description:
  - Sets RV(ansible_facts.alicloud_cas_instances), a dict of private CA instance facts keyed by instance ID, so that
    the status can be gathered with the other facts (C(facts_modules) in C(ansible.cfg)) and kept by fact caching.
  - With O(identifier), also RV(ansible_facts.alicloud_cas_issuers), the facts of the instance that issued each
    certificate given, keyed by certificate identifier.
  - The facts are those of M(seed.alicloud_cas.ca_instance_status_info).
  - Without options it gathers every instance of the account, so it can run from C(gather_facts) with credentials
    from C(module_defaults) or the environment.
author:
  - seed.alicloud_cas contributors (@seed)
extends_documentation_fragment:
  - seed.alicloud_cas.instance_selection
  - seed.alicloud_cas.connection
  - seed.alicloud_cas.attributes
attributes:
  facts:
    description: Action returns an C(ansible_facts) dictionary that will update existing host facts.
    support: full
requirements:
  - requests
notes:
  - 'To gather it with the other facts, set in C(ansible.cfg): C([defaults] facts_modules = ansible.builtin.setup,
    seed.alicloud_cas.ca_instance_facts), and give the connection options with C(module_defaults) for
    C(group/seed.alicloud_cas.cas) or environment variables. See the fact gathering guide in docs/.'
seealso:
  - module: seed.alicloud_cas.ca_instance_status_info
'''

EXAMPLES = r'''
- name: Gather CA facts against the emulator (python3 -m emulator --port 8080)
  seed.alicloud_cas.ca_instance_facts:
    endpoint: http://127.0.0.1:8080
    access_key_id: LTAI5tEmulatorDemoKey01
    access_key_secret: EmulatorDemoSecret-NotASecret-0001

- name: Use them
  ansible.builtin.assert:
    that:
      - ansible_facts.alicloud_cas_instances['cas-member-demo-root'] is seed.alicloud_cas.ca_usable

- name: Gather the CA behind this host's server certificate
  seed.alicloud_cas.ca_instance_facts:
    identifier: c3e26e7943362eb8ae7cfff3bdf086cd  # the emulator's server-healthy certificate
    endpoint: http://127.0.0.1:8080
    access_key_id: LTAI5tEmulatorDemoKey01
    access_key_secret: EmulatorDemoSecret-NotASecret-0001

- name: Is it healthy?
  ansible.builtin.assert:
    that:
      - ansible_facts.alicloud_cas_issuers['c3e26e7943362eb8ae7cfff3bdf086cd'] is seed.alicloud_cas.ca_usable
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host.
  returned: success
  type: dict
  contains:
    alicloud_cas_instances:
      description:
        - Instance facts keyed by instance ID; each value has the keys of the C(instances) items of
          M(seed.alicloud_cas.ca_instance_status_info).
      returned: success
      type: dict
      sample: {cas-member-demo-root: {instance_id: cas-member-demo-root, status: USED, usable: true, cert_remaining_count: 88}}
    alicloud_cas_issuers:
      description:
        - With O(identifier), each certificate identifier mapped to the facts of the instance that issued it (the
          same dicts as in RV(ansible_facts.alicloud_cas_instances)); empty otherwise.
      returned: success
      type: dict
      sample: {c3e26e7943362eb8ae7cfff3bdf086cd: {instance_id: cas-member-demo-root, status: USED, usable: true}}
request_id:
  description: The service's RequestId of the failed call, for support requests.
  returned: failure, when the service answered
  type: str
  sample: 25589516-2A56-5159-AB88-4A1D9824E183
error_code:
  description: The service's error code when the call failed.
  returned: failure, when the service answered with an error
  type: str
  sample: SignatureDoesNotMatch
http_status:
  description: The HTTP status of the service's error answer.
  returned: failure, when the service answered with an error
  type: int
  sample: 400
recommend:
  description: The troubleshooting URL the service sent with its error, if any.
  returned: failure, when the service answered with one
  type: str
attempts:
  description: How many requests the call made (the first attempt and its retries) before it failed.
  returned: failure
  type: int
  sample: 1
'''

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_module import CasModule, instance_facts_gathering


def main():
    cas = CasModule()
    cas.run(instance_facts_gathering)


if __name__ == '__main__':
    main()
