# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base for this collection's lookups: the shared connection options read through ``get_option``.

Options come from keyword arguments, variables, environment or ansible.cfg as
the doc fragment ``seed.alicloud_cas.connection.plugins`` declares; the client
and its errors are the same as the modules'. Errors are raised ``from None`` so
that Ansible, which prints an exception's cause, never shows a chained one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import build_client
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import CONNECTION_OPTIONS, ClientConfig

display = Display()


class CasLookupBase(LookupBase):

    def connection_options(self):
        return dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)

    def client(self):
        client = build_client(ClientConfig.from_options(self.connection_options()))
        for warning in client.warnings:
            display.warning(warning)
        return client

    def run_safely(self, handler, *args):
        """Call ``handler(*args)``; a CasError becomes an AnsibleLookupError with the same redacted text."""
        try:
            return handler(*args)
        except CasError as error:
            raise AnsibleLookupError(str(error)) from None
