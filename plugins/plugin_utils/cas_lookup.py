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
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasError, redact
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import CONNECTION_OPTIONS, ClientConfig

display = Display()
VAR_PREFIX = 'alicloud_cas_'


class CasLookupBase(LookupBase):

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
        self._refuse_unknown_keywords(kwargs)

    def _refuse_unknown_keywords(self, kwargs):
        """Ansible ignores a keyword a lookup does not define; a misspelt one (``identifer=``) would silently
        select something else, so it is an error naming it and the valid ones."""
        valid = sorted(name for name in self._options if not name.startswith('_'))
        unknown = sorted(set(kwargs) - set(valid))
        if not unknown:
            return
        import difflib
        guesses = ['%r (did you mean %r?)' % (name, close[0]) if close else repr(name)
                   for name in unknown for close in [difflib.get_close_matches(name, valid, n=1)]]
        raise AnsibleLookupError('The lookup %s does not know the keyword%s %s. Valid keywords: %s.'
                                 % (self.ansible_name, 's' if len(unknown) > 1 else '', ', '.join(guesses),
                                    ', '.join(valid)))

    def connection_options(self):
        return dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)

    _client = None

    def client(self):
        if self._client is None:
            self._client = build_client(ClientConfig.from_options(self.connection_options()))
        return self._client

    def run_safely(self, handler, *args):
        """Call ``handler(*args)``; a CasError becomes an AnsibleLookupError with the same redacted text.

        The client's warnings are shown afterwards, and every text shown is redacted with the secrets the
        client used, wherever they came from.
        """
        try:
            return handler(*args)
        except CasError as error:
            raise AnsibleLookupError(str(error.redact(self._client.secrets() if self._client else ()))) from None
        finally:
            client, self._client = self._client, None
            if client is not None:
                for warning in client.warnings:
                    display.warning(redact(warning, client.secrets()))
                client.close()
