# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ca_instances
short_description: Alibaba Cloud private CA instances, and the CA behind each host's certificate, in the inventory
version_added: 1.0.0
description:
  - Reads the status of private CA instances with the Certificate Management Service action C(GetCAInstanceStatus)
    once per inventory sync, in the controller's main process, before any task runs, and puts it in the inventory.
    It has two jobs, usable together.
  - B(CA instances as hosts.) Each private CA instance of the account (or of O(instance_ids)) becomes a host named by
    its instance ID, in the group C(alicloud_cas_instances), with the facts that
    M(seed.alicloud_cas.ca_instance_status_info) returns as host variables (C(status), C(usable),
    C(cert_remaining_count), ...) and all of them in C(alicloud_cas_instance). These hosts are not machines to
    connect to. They get C(ansible_connection=local) and C(ansible_python_interpreter) set to the controller's
    Python, so a play over them runs on the controller. Turn this off with O(add_instance_hosts=false).
  - B(The CA behind hosts already in the inventory.) With O(certificate_var), every host already in the inventory (from
    sources listed before this one) whose variable O(certificate_var) holds a client or server certificate identifier
    gets the host variable C(alicloud_cas_issuer), the facts of the CA instance that issued the certificate. With
    O(instance_var), a host whose variable names an instance ID gets that instance's facts in C(alicloud_cas_issuer)
    the same way; with both, the certificate's issuer must be that instance. Hosts without the variable are left
    alone.
  - One API call per distinct certificate or instance, concurrently and paced by the shared rate limiter (O(rate_limit)),
    never one per host; the instances listed as hosts answer O(instance_var) without a call of their own.
  - Ansible's C(constructed) features (O(compose), O(groups), O(keyed_groups)) apply to the CA instance hosts and to
    the hosts that got C(alicloud_cas_issuer), for example C(keyed_groups) on C(status), or
    C(groups) with C(not alicloud_cas_issuer.usable).
  - With O(cache), the answers are kept by Ansible's inventory cache, and a sync within O(cache_timeout) makes no API call
    (facts that depend on the time, such as C(validity_days_left) and C(usable), are derived again at every sync).
    Several controllers or AWX jobs that sync the same account share them with a shared cache plugin, such as
    C(community.general.redis) or C(ansible.builtin.jsonfile) on a shared directory.
  - The configuration file's name must end in C(cas.yml) or C(cas.yaml). An option this plugin does not know is an
    error that names it.
author:
  - seed.alicloud_cas contributors (@seed)
options:
  plugin:
    description: The name of this plugin; it marks the file as this plugin's configuration.
    type: str
    required: true
    choices: [seed.alicloud_cas.ca_instances]
  add_instance_hosts:
    description:
      - Whether each CA instance becomes a host (in the group C(alicloud_cas_instances)).
      - Set to V(false) when the file only adds C(alicloud_cas_issuer) to hosts of other sources.
    type: bool
    default: true
  instance_ids:
    description:
      - The instances that become hosts. If not set, every private CA instance of the account.
      - An ID the service does not know is an error.
    type: list
    elements: str
  certificate_var:
    description:
      - The variable of a host (or a Jinja2 expression over its variables, as in O(compose)) that holds the identifier
        of the client or server certificate it uses. Every host of the inventory sources listed before this one that
        has it gets C(alicloud_cas_issuer), the facts of the CA instance that issued that certificate.
      - A certificate that no CA of the account issued leaves C(alicloud_cas_issuer) unset and warns, naming the
        certificate and the hosts; with O(strict=true) it fails the sync instead.
    type: str
  instance_var:
    description:
      - The variable of a host (or a Jinja2 expression over its variables) that holds a private CA instance ID. Every
        host that has it gets C(alicloud_cas_issuer), the facts of that instance.
      - An ID the service does not know is handled as an unknown certificate is (see O(certificate_var)).
    type: str
  use_vars_plugins:
    description:
      - Whether O(certificate_var) and O(instance_var) are also looked up in the variables of vars plugins
        (C(host_vars/), C(group_vars/) next to the inventory), as the C(ansible.builtin.constructed) plugin does.
      - Host and group variables of the inventory sources themselves are always used.
    type: bool
    default: false
extends_documentation_fragment:
  - seed.alicloud_cas.connection
  - seed.alicloud_cas.connection.plugins
  - constructed
  - inventory_cache
notes:
  - An inventory plugin runs on the controller, so the credentials, C(requests) and network access to the endpoint
    are needed there only, not on the managed hosts.
  - O(strict=true) also makes errors in O(compose), O(groups) and O(keyed_groups) fail the sync, as for every
    constructed inventory plugin.
seealso:
  - plugin: seed.alicloud_cas.ca_instance_status
    plugin_type: lookup
  - module: seed.alicloud_cas.ca_instance_status_info
'''

EXAMPLES = r'''
---
# inventory/ca.cas.yml: the CA instances of the account as hosts, grouped by status and by quota.
plugin: seed.alicloud_cas.ca_instances
endpoint: http://127.0.0.1:8080            # the collection's emulator; leave out for the real service
keyed_groups:
  - key: status
    prefix: ca_status                      # ca_status_USED, ca_status_REVOKE, ...
groups:
  ca_quota_low: cert_remaining_count is not none and cert_remaining_count < 50
  ca_unusable: not usable

---
# inventory/zz-issuers.cas.yml (listed after the inventory of the web servers, whose hosts have
# tls_certificate_identifier set): the CA behind each host's certificate, and a group of the hosts
# whose CA is not healthy. The file name sorts after the others: sources are read in order.
plugin: seed.alicloud_cas.ca_instances
add_instance_hosts: false
certificate_var: tls_certificate_identifier
groups:
  ca_unhealthy: not alicloud_cas_issuer.usable or alicloud_cas_issuer.validity_days_left < 30
keyed_groups:
  - key: alicloud_cas_issuer.instance_id
    prefix: issued_by
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-inventory
cache_timeout: 300
'''

import time

from ansible.errors import AnsibleParserError, AnsibleUndefinedVariable
from ansible.inventory.helpers import get_group_vars
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.vars import combine_vars

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import (
    StatusResult, fetch_status, not_found_error, unique, validate_identifier, validate_instance_id)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError, redact
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import derive_facts, facts_well_formed
from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_plugin import CasPlugin, display

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 templates every string
    def trust_as_template(value):
        return value

INSTANCE_GROUP = 'alicloud_cas_instances'
ISSUER_VAR = 'alicloud_cas_issuer'
INSTANCE_VAR = 'alicloud_cas_instance'
CACHE_FORMAT = 1


class InventoryModule(CasPlugin, BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'seed.alicloud_cas.ca_instances'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('cas.yml', 'cas.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path)
        config = self._read_config_data(path)
        self.refuse_unknown(config, 'option', AnsibleParserError)
        self.guarded(AnsibleParserError, self._populate, path, cache)

    def _populate(self, path, cache):
        wanted_ids = [validate_instance_id(i, 'instance_ids') for i in self.get_option('instance_ids') or []]
        if self.get_option('instance_ids') == []:
            raise CasConfigError('instance_ids is an empty list: give at least one ID, or leave it out for every '
                                 'instance of the account.', option='instance_ids')
        askers = self._hosts_asking()
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        known = self._cached(cache_key) if use_cache else None
        answers = known or {'format': CACHE_FORMAT, 'instances': None, 'by_id': {}, 'issuers': {}}
        fetched = self._fetch_missing(answers, wanted_ids, askers)
        if self.get_option('cache') and (fetched or not use_cache or known is None):
            self._cache[cache_key] = answers
        now_ms = int(time.time() * 1000)
        if self.get_option('add_instance_hosts'):
            listed = answers['instances'] if not wanted_ids else [answers['by_id'][i] for i in wanted_ids]
            for facts in listed:
                self._add_instance_host(derive_facts(dict(facts), now_ms))
        self._add_issuers(answers, askers, now_ms)

    def _cached(self, cache_key):
        """The answers kept by the inventory cache, or None (absent, expired, or not of this plugin's making:
        then with a warning, and the caller syncs afresh)."""
        try:
            answers = self._cache[cache_key]
        except KeyError:
            return None
        except Exception as error:  # pylint: disable=broad-except  # a cache file that cannot be read: ask again
            answers, why = None, ' (%s)' % redact(str(error).partition('\n')[0][:200], self.secrets())
        else:
            why = ''
        if answers is not None and _cache_shape_ok(answers):
            return answers
        display.warning('%s: the inventory cache entry %s is damaged or not of this plugin\'s making%s: it is ignored '
                        'and the answers are fetched again.' % (self.ansible_name, cache_key, why))
        return None

    def _hosts_asking(self):
        """``[(host, certificate or None, instance ID or None)]`` for the hosts of earlier sources that have the
        variables; a value that is not a valid identifier is an error (strict) or a warning."""
        certificate_var, instance_var = self.get_option('certificate_var'), self.get_option('instance_var')
        if not certificate_var and not instance_var:
            return []
        askers = []
        for name, host in sorted(self.inventory.hosts.items()):
            if INSTANCE_GROUP in [g.name for g in host.get_groups()]:
                continue
            variables = self._host_variables(host)
            certificate = self._read(certificate_var, variables, name, validate_identifier)
            instance_id = self._read(instance_var, variables, name, validate_instance_id)
            if certificate or instance_id:
                askers.append((name, certificate, instance_id))
        return askers

    def _host_variables(self, host):
        variables = combine_vars(get_group_vars(host.get_groups()), host.get_vars())
        if self.get_option('use_vars_plugins'):
            from ansible.vars.plugins import get_vars_from_inventory_sources
            sources = self.inventory.processed_sources
            variables = combine_vars(variables, get_vars_from_inventory_sources(self.loader, sources, host.get_groups(), 'all'))
            variables = combine_vars(variables, get_vars_from_inventory_sources(self.loader, sources, [host], 'all'))
        return variables

    def _read(self, expression, variables, host, validate):
        """The value of ``expression`` for ``host``, validated; None when the host does not have it."""
        if not expression:
            return None
        try:
            value = self._compose(expression, variables)
        except AnsibleUndefinedVariable:
            return None  # a host without the variable is left alone
        except Exception as error:  # pylint: disable=broad-except  # any templating failure: reported, not a traceback
            self._missing('host %s: %s cannot be evaluated (%s)' % (host, expression, error))
            return None
        if value is None or value == '':
            return None
        try:
            return validate(value, expression)
        except CasConfigError as error:
            self._missing('host %s: %s' % (host, error))
            return None

    def _fetch_missing(self, answers, wanted_ids, askers):
        """Fill ``answers`` with what it lacks (one call per distinct certificate or ID); True if anything was fetched."""
        client = self.client()
        fetched = False
        if self.get_option('add_instance_hosts') and not wanted_ids and answers['instances'] is None:
            answers['instances'] = fetch_status(client).instances
            fetched = True
        for facts in answers['instances'] or ():
            answers['by_id'].setdefault(facts['instance_id'], facts)
        ids = unique(i for i in wanted_ids + [a[2] for a in askers if a[2]] if i not in answers['by_id'])
        if answers['instances'] is not None:
            # The account's whole list is known: an ID that is not in it does not exist, no need to ask.
            answers['by_id'].update((i, None) for i in ids)
            ids = []
        certificates = unique(c for c in (a[1] for a in askers) if c and c not in answers['issuers'])
        if ids:
            result = fetch_status(client, ids)
            for facts in result.instances:
                answers['by_id'][facts['instance_id']] = facts
            for instance_id in result.missing:
                answers['by_id'][instance_id] = None
            fetched = True
        if certificates:
            result = fetch_status(client, identifiers=certificates)
            for certificate, facts in result.issuers.items():
                answers['issuers'][certificate] = facts
            for certificate in result.missing_identifiers:
                answers['issuers'][certificate] = None
            fetched = True
        unknown = [i for i in wanted_ids if answers['by_id'].get(i) is None]
        if unknown:
            result = StatusResult()
            result.missing = unknown
            raise not_found_error(result)
        return fetched

    def _add_instance_host(self, facts):
        host = self.inventory.add_host(facts['instance_id'], group=self.inventory.add_group(INSTANCE_GROUP))
        for key, value in facts.items():
            self.inventory.set_variable(host, key, value)
        self.inventory.set_variable(host, INSTANCE_VAR, facts)
        self.inventory.set_variable(host, 'ansible_connection', 'local')
        self.inventory.set_variable(host, 'ansible_python_interpreter', trust_as_template('{{ ansible_playbook_python }}'))
        self._construct(host, facts)

    def _add_issuers(self, answers, askers, now_ms):
        unknown = {}
        for host, certificate, instance_id in askers:
            facts = answers['issuers'].get(certificate) if certificate else answers['by_id'].get(instance_id)
            if facts is None:
                what = 'no CA instance of the account issued certificate %s' % certificate if certificate else \
                    'CA instance %s not found' % instance_id
                unknown.setdefault(what, []).append(host)
                continue
            if certificate and instance_id and facts['instance_id'] != instance_id:
                unknown.setdefault('certificate %s was issued by %s, not by the instance in %s (%s)' % (
                    certificate, facts['instance_id'], self.get_option('instance_var'), instance_id), []).append(host)
                continue
            facts = derive_facts(dict(facts), now_ms)
            self.inventory.set_variable(host, ISSUER_VAR, facts)
            self._construct(host, self._host_variables(self.inventory.get_host(host)))
        for what, hosts in sorted(unknown.items()):
            named = ', '.join(hosts[:10]) + (', ...' if len(hosts) > 10 else '')
            self._missing('%s (host%s %s): %s left unset' % (what, 's' if len(hosts) > 1 else '', named, ISSUER_VAR))

    def _missing(self, message):
        if self.get_option('strict'):
            raise AnsibleParserError('%s: %s.' % (self.ansible_name, redact(message, self.secrets())))
        display.warning('%s: %s.' % (self.ansible_name, redact(message, self.secrets())))

    def _construct(self, host, variables):
        strict = self.get_option('strict')
        self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
        self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)


def _cache_shape_ok(answers):
    """True if ``answers`` (read from a cache any tool can write to) is exactly what ``_populate`` stores: a mapping
    with this format, ``instances`` None or a list of facts with distinct IDs, ``by_id`` and ``issuers`` mappings from
    strings to facts or None (not found), each ``by_id`` facts about its own key. Anything else means "ask again"."""
    if not isinstance(answers, dict) or answers.get('format') != CACHE_FORMAT or \
            set(answers) != set(('format', 'instances', 'by_id', 'issuers')):
        return False
    instances, by_id, issuers = answers['instances'], answers['by_id'], answers['issuers']
    if not (instances is None or isinstance(instances, list)) or not isinstance(by_id, dict) or not isinstance(issuers, dict):
        return False
    if instances is not None and (not all(facts_well_formed(f) for f in instances) or
                                  len(set(f['instance_id'] for f in instances)) != len(instances)):
        return False
    for mapping in (by_id, issuers):
        if not all(isinstance(k, str) and k and (v is None or facts_well_formed(v)) for k, v in mapping.items()):
            return False
    return all(v is None or v['instance_id'] == k for k, v in by_id.items())
