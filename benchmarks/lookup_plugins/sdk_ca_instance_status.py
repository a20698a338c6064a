# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark only: the naive lookup a user would write with the official SDK (one call per host)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: sdk_ca_instance_status
short_description: Benchmark baseline, GetCAInstanceStatus through the official SDK
description:
  - One SDK call per term (or for O(identifier)), per host, as a straightforward plugin written on
    alibabacloud-cas20200630 would do.
options:
  _terms:
    description: Instance IDs.
    type: list
    elements: str
  identifier:
    description: A client or server certificate identifier; the answer is the CA that issued it.
    type: str
  endpoint:
    description: host:port of the emulator.
    type: str
    vars:
      - name: bench_sdk_endpoint
  access_key_id:
    description: AccessKey ID.
    type: str
    vars:
      - name: bench_key_id
  access_key_secret:
    description: AccessKey secret.
    type: str
    vars:
      - name: bench_key_secret
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        from alibabacloud_cas20200630.client import Client
        from alibabacloud_cas20200630 import models
        from alibabacloud_tea_openapi.models import Config
        endpoint = self._templar.template(self.get_option('endpoint'))
        client = Client(Config(access_key_id=self._templar.template(self.get_option('access_key_id')),
                               access_key_secret=self._templar.template(self.get_option('access_key_secret')),
                               endpoint=endpoint, protocol='http'))
        identifier = self.get_option('identifier')
        requests = [models.GetCAInstanceStatusRequest(instance_id=term) for term in terms]
        if identifier:
            requests.append(models.GetCAInstanceStatusRequest(identifier=identifier))
        out = []
        for request in requests:
            try:
                body = client.get_cainstance_status(request).body
            except Exception as exc:  # the naive plugin reports whatever the SDK raised
                raise AnsibleLookupError('SDK call failed: %s' % str(exc).splitlines()[0][:200]) from None
            out.extend(item.to_map() for item in body.instance_status_list)
        return out
