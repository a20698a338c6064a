# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's controller-side plugins (lookup, inventory) share: options, client, errors.

Options are read through ``get_option`` as the doc fragments ``seed.alicloud_cas.connection`` and
``seed.alicloud_cas.connection.plugins`` declare them; the client and its errors are the modules'. Errors are
raised ``from None`` so that Ansible, which prints an exception's cause, never shows a chained one, and every
text shown is redacted with the secrets the client used, wherever they came from.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.utils.display import Display

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import build_client
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasError, redact
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import CONNECTION_OPTIONS, ClientConfig

display = Display()


class CasPlugin(object):
    """Mixin for an ``AnsiblePlugin`` of this collection."""

    _client = None

    def refuse_unknown(self, given, what, error_class):
        """Raise ``error_class`` if ``given`` holds a name that is not one of the plugin's options.

        Ansible ignores an option a plugin does not define; a misspelt one (``identifer=``) would silently
        select something else, so it is an error naming it, a close match and the valid ones.
        """
        valid = sorted(name for name in self._options if not name.startswith('_'))
        unknown = sorted(set(given) - set(valid))
        if not unknown:
            return
        import difflib
        guesses = ['%r (did you mean %r?)' % (name, close[0]) if close else repr(name)
                   for name in unknown for close in [difflib.get_close_matches(name, valid, n=1)]]
        raise error_class('The %s plugin %s does not know the %s%s %s. Valid %ss: %s.'
                          % (self.plugin_type, self.ansible_name, what, 's' if len(unknown) > 1 else '',
                             ', '.join(guesses), what, ', '.join(valid)))

    def client(self):
        """The shared client for the plugin's connection options, built once per :meth:`guarded` call."""
        if self._client is None:
            options = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
            self._client = build_client(ClientConfig.from_options(options))
        return self._client

    def guarded(self, error_class, handler, *args):
        """Call ``handler(*args)``; a CasError becomes ``error_class`` with the same redacted text.

        The client's warnings are shown afterwards, and the client is closed.
        """
        try:
            return handler(*args)
        except CasError as error:
            raise error_class(str(error.redact(self.secrets()))) from None
        finally:
            client, self._client = self._client, None
            if client is not None:
                for warning in client.warnings:
                    display.warning(redact(warning, client.secrets()))
                client.close()

    def secrets(self):
        """The secrets the client in use knows of (to redact from anything shown)."""
        return self._client.secrets() if self._client is not None else ()
