# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small base for this collection's modules, after amazon.aws' AnsibleAWSModule.

It adds the shared connection options to the argument spec, builds the client,
and turns every CasError into ``fail_json`` with the service's code and
request ID. Modules stay documentation plus a thin ``main()``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import (
    build_client, fetch_status, not_found_error, validate_identifier, validate_instance_id)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError, CasError, CasMissingLibrary
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import apply_query
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import gate_failures, gate_message, validate_require
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import (
    ClientConfig, connection_argspec, endpoint_userinfo)


# The options that select instances, shared by the modules (documented by the seed.alicloud_cas.instance_selection
# doc fragment).
SELECTION_SPEC = dict(
    instance_id=dict(type='list', elements='str'),
    identifier=dict(type='list', elements='str'),
)


class CasModule:
    """Wraps AnsibleModule; ``run(handler)`` calls ``handler(self)`` and reports errors cleanly.

    Handlers end with :meth:`exit` or :meth:`fail`: both show the client's warnings and hide every secret the
    client used (from options, environment, profile or STS) wherever it might appear in the result.
    """

    def __init__(self, argument_spec=None, **kwargs):
        spec = connection_argspec()
        spec.update(SELECTION_SPEC)
        spec.update(argument_spec or {})
        kwargs.setdefault('supports_check_mode', True)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        # Credentials in an endpoint URL are refused (cas_options.parse_endpoint); they are hidden from the
        # result too, which echoes the module's arguments (invocation) at high verbosity.
        for option in ('endpoint', 'sts_endpoint'):
            self.module.no_log_values.update(endpoint_userinfo(self.params.get(option)))
        self._client = None

    def client(self):
        if self._client is None:
            config = ClientConfig.from_options(self.params)
            self._client = build_client(config)
        return self._client

    def _report(self):
        if self._client is not None:
            self.module.no_log_values.update(s for s in self._client.secrets() if s)
            for warning in self._client.warnings:
                self.module.warn(warning)
            del self._client.warnings[:]

    def exit(self, **result):
        self._report()
        self.module.exit_json(**result)

    def fail(self, **result):
        self._report()
        self.module.fail_json(**result)

    def fetch(self):
        """Fetch what ``instance_id`` / ``identifier`` select; what the service does not know is an error."""
        for option in ('instance_id', 'identifier'):
            if self.params.get(option) == []:
                # An empty list is most often a variable that came out empty: selecting every instance instead
                # would let a gate pass without ever looking at what was meant.
                raise CasConfigError('%s is an empty list: give at least one value, or leave %s out to select every '
                                     'instance of the account.' % (option, option), option=option)
        ids = [validate_instance_id(v) for v in self.params.get('instance_id') or []]
        identifiers = [validate_identifier(v) for v in self.params.get('identifier') or []]
        result = fetch_status(self.client(), ids, identifiers)
        if not result.complete:
            raise not_found_error(result, ids)
        return result

    def run(self, handler):
        try:
            handler(self)
        except CasMissingLibrary as error:
            self.fail(msg=missing_required_lib(error.library), exception=error.import_error)
        except CasError as error:
            client = self._client
            self.fail(**dict(error.to_result(), changed=False, attempts=client.attempts if client else 0))
        finally:
            if self._client is not None:
                self._client.close()


def status_info(cas):
    """``ca_instance_status_info``: facts, an optional JMESPath query, an optional gate."""
    params = cas.params
    require = validate_require(params.get('require'))  # before any call: a bad threshold is the user's error
    result = cas.fetch()
    out = dict(changed=False, instances=result.instances, issuers=result.issuers, request_id=result.request_id)
    if params.get('query'):
        out['query_result'] = apply_query(params['query'], result.instances)
    if require:
        failures = gate_failures(result.instances, require)
        if not result.instances:  # an account without instances
            failures = [({'instance_id': '(no instance)'}, ['the account has no private CA instance'])]
        out['unmet'] = [dict(instance_id=f['instance_id'], certificate_identifiers=f.get('certificate_identifiers', []),
                             conditions=unmet) for f, unmet in failures]
        if failures:
            cas.fail(msg=gate_message(failures), **out)
    cas.exit(**out)


def instance_facts_gathering(cas):
    """``ca_instance_facts``: the same facts as ``ansible_facts.alicloud_cas_instances`` (by instance ID) and
    ``ansible_facts.alicloud_cas_issuers`` (by certificate identifier)."""
    result = cas.fetch()
    facts = dict((f['instance_id'], f) for f in result.instances)
    cas.exit(changed=False, ansible_facts=dict(alicloud_cas_instances=facts, alicloud_cas_issuers=result.issuers))
