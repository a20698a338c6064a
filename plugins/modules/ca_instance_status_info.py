#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: ca_instance_status_info
short_description: Get the status of Alibaba Cloud private CA instances, and gate on it
version_added: 1.0.0
description:
  - Calls the Certificate Management Service action C(GetCAInstanceStatus) (API version 2020-06-30) and returns one
    dict of facts per private CA instance, with derived facts such as remaining certificates, days left and C(usable).
  - With O(identifier), it answers for the CA instance that issued each client or server certificate given, which
    tells whether the CA behind a host's certificate is healthy.
  - With O(require), the task fails unless every returned instance meets every condition, and the failure message
    lists each unmet condition of each instance. One task gates a deployment.
  - Read-only; C(changed) is always false.
author:
  - seed.alicloud_cas contributors (@seed)
options:
  query:
    description:
      - A JMESPath expression applied to the list RV(instances); its result is returned as RV(query_result).
      - Evaluated on the host that runs the module; needs the Python library C(jmespath) there.
    type: str
  require:
    description:
      - Conditions every returned instance must meet; the task fails, listing every unmet condition of every
        instance, if one does not.
      - A fact the service did not return never meets a condition (the gate fails closed), and so does an empty
        result.
    type: dict
    suboptions:
      status:
        description: Allowed values of C(status), for example V(USED).
        type: list
        elements: str
        choices: [BUY, USED, REFUND, REVOKE]
      type:
        description: Allowed values of C(type).
        type: list
        elements: str
        choices: [ROOT, SUB_ROOT]
      usable:
        description: If true, C(usable) must be true (status C(USED), CA certificate within its validity, subscription active).
        type: bool
      min_remaining:
        description: The least number of certificates that may still be issuable (C(cert_remaining_count)), at least 0.
        type: int
      max_usage_percent:
        description:
          - The highest share of the certificate quota that may be used (C(cert_usage_percent)), from 0 to 100.
          - Like every threshold, it must be a finite number in range; anything else (V(nan) included) fails the
            task before any call.
        type: float
      min_days_valid:
        description:
          - The least number of whole days the CA certificate must still be valid (C(validity_days_left)), at least 0.
          - The CA certificate must also be valid now, so both C(before_time) and C(after_time) must be known and
            C(before_time) must not be in the future.
        type: int
      min_days_subscription:
        description: The least number of whole days the instance subscription must still run (C(subscription_days_left)), at least 0.
        type: int
extends_documentation_fragment:
  - seed.alicloud_cas.instance_selection
  - seed.alicloud_cas.connection
  - seed.alicloud_cas.attributes
requirements:
  - requests
  - jmespath (only for O(query))
seealso:
  - plugin: seed.alicloud_cas.ca_instance_status
    plugin_type: lookup
  - module: seed.alicloud_cas.ca_instance_facts
'''

EXAMPLES = r'''
# Against the collection's emulator: python3 -m emulator --port 8080 (from the collection root)
- name: Gate a deployment on the issuing CA
  seed.alicloud_cas.ca_instance_status_info:
    instance_id: cas-member-demo-root
    endpoint: http://127.0.0.1:8080
    access_key_id: LTAI5tEmulatorDemoKey01
    access_key_secret: EmulatorDemoSecret-NotASecret-0001
    require:
      status: USED
      min_remaining: 50
      min_days_valid: 30
  delegate_to: localhost
  run_once: true

- name: Gate on the CA that issued this host's server certificate
  seed.alicloud_cas.ca_instance_status_info:
    identifier: "{{ server_certificate_identifier }}"  # for example the emulator's c3e26e7943362eb8ae7cfff3bdf086cd
    endpoint: http://127.0.0.1:8080
    access_key_id: LTAI5tEmulatorDemoKey01
    access_key_secret: EmulatorDemoSecret-NotASecret-0001
    require:
      usable: true
      min_days_valid: 30
  delegate_to: localhost

- name: Set credentials once for every module of the collection
  module_defaults:
    group/seed.alicloud_cas.cas:
      endpoint: http://127.0.0.1:8080
      access_key_id: LTAI5tEmulatorDemoKey01
      access_key_secret: EmulatorDemoSecret-NotASecret-0001
  block:
    - name: All CA instances of the account
      seed.alicloud_cas.ca_instance_status_info:
      register: cas

    - name: Only the IDs of usable CAs
      seed.alicloud_cas.ca_instance_status_info:
        query: "[?usable].instance_id"
      register: usable

    - name: Show them
      ansible.builtin.debug:
        msg: "{{ usable.query_result }}"
'''

RETURN = r'''
instances:
  description:
    - One dict per instance, in the order of O(instance_id) (or of O(identifier), each issuer once).
  returned: success
  type: list
  elements: dict
  contains:
    instance_id: {description: The instance ID., type: str, returned: always, sample: cas-member-demo-root}
    status: {description: "C(BUY) (bought, not set up), C(USED), C(REFUND) or C(REVOKE).", type: str, returned: always, sample: USED}
    type: {description: C(ROOT) or C(SUB_ROOT)., type: str, returned: always, sample: ROOT}
    cert_total_count: {description: 'Certificates the instance may issue (for a root CA: sub-CA certificates).', type: int, returned: always, sample: 100}
    cert_issued_count: {description: Certificates issued so far., type: int, returned: always, sample: 12}
    cert_remaining_count: {description: C(cert_total_count) minus C(cert_issued_count)., type: int, returned: always, sample: 88}
    cert_usage_percent: {description: 'Share of the quota used in percent, one decimal; null when the quota is 0.', type: float, returned: always, sample: 12.0}
    before_time: {description: "Start of the CA certificate's validity, epoch milliseconds; null for C(BUY) and C(REFUND).", type: int, returned: always}
    after_time: {description: "End of the CA certificate's validity, epoch milliseconds; null for C(BUY) and C(REFUND).", type: int, returned: always}
    use_expire_time: {description: 'End of the instance subscription, epoch milliseconds.', type: int, returned: always}
    identifier: {description: The CA certificate identifier; null for C(BUY) and C(REFUND)., type: str, returned: always}
    before_time_iso: {description: C(before_time) as ISO 8601 UTC., type: str, returned: always, sample: "2026-10-29T04:26:09Z"}
    after_time_iso: {description: C(after_time) as ISO 8601 UTC., type: str, returned: always}
    use_expire_time_iso: {description: C(use_expire_time) as ISO 8601 UTC., type: str, returned: always}
    validity_days_left: {description: Whole days until the CA certificate expires (negative once expired); null if unknown., type: int, returned: always}
    subscription_days_left: {description: Whole days until the subscription ends (negative once ended); null if unknown., type: int, returned: always}
    certificate_valid: {description: Now is within the CA certificate's validity., type: bool, returned: always}
    subscription_active: {description: The subscription has not ended., type: bool, returned: always}
    usable: {description: "True only when status is C(USED), the CA certificate is valid now and the subscription is active.", type: bool, returned: always}
    certificate_identifiers:
      description: The certificates of O(identifier) that this instance issued (empty without O(identifier)).
      type: list
      elements: str
      returned: always
      sample: [c3e26e7943362eb8ae7cfff3bdf086cd]
issuers:
  description:
    - With O(identifier), each certificate identifier mapped to the facts of the instance that issued it (the same
      dicts as in RV(instances)); empty otherwise. C(result.issuers[my_certificate].usable) reads naturally.
  returned: success
  type: dict
  sample: {c3e26e7943362eb8ae7cfff3bdf086cd: {instance_id: cas-member-demo-root, status: USED, usable: true}}
request_id:
  description:
    - The service's RequestId of the (last) call, for support requests; on failure, that of the failed call.
  returned: success, and failure when the service answered
  type: str
  sample: 25589516-2A56-5159-AB88-4A1D9824E183
query_result:
  description: The result of O(query) applied to RV(instances).
  returned: when O(query) is set
  type: raw
unmet:
  description: With O(require), the instances that fail the gate and the conditions they fail (empty when the gate passes).
  returned: when O(require) is set
  type: list
  elements: dict
  sample: [{instance_id: cas-member-demo-sub-nearly-full, certificate_identifiers: [], conditions: ["2 certificates left, need 50"]}]
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

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import REQUIRE_SPEC
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_module import CasModule, status_info


def main():
    cas = CasModule(argument_spec=dict(
        query=dict(type='str'),
        require=dict(type='dict', options=REQUIRE_SPEC),
    ))
    cas.run(status_info)


if __name__ == '__main__':
    main()
