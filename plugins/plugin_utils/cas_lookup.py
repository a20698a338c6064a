# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base for this collection's lookups: the connection options, also from ``alicloud_cas_*`` variables.

The client, the errors and the refusal of unknown keywords are shared with the inventory plugin (:mod:`cas_plugin`).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import CONNECTION_OPTIONS
from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_plugin import CasPlugin

VAR_PREFIX = 'alicloud_cas_'


class CasLookupBase(CasPlugin, LookupBase):

    def set_connection_options(self, variables, kwargs):
        """``set_options`` with this collection's ``alicloud_cas_*`` variables templated first.

        Lookups receive variables untemplated; a play var such as
        ``alicloud_cas_endpoint: "{{ emu_endpoint }}"`` must be rendered here.
        """
        variables = dict(variables or {})
        for name in CONNECTION_OPTIONS:
            var = VAR_PREFIX + name
            if var in variables and self._templar is not None:
                variables[var] = self._templar.template(variables[var])
        self.set_options(var_options=variables, direct=kwargs)
        self.refuse_unknown(kwargs, 'keyword', AnsibleLookupError)

    def run_safely(self, handler, *args):
        """:meth:`CasPlugin.guarded` raising AnsibleLookupError."""
        return self.guarded(AnsibleLookupError, handler, *args)
