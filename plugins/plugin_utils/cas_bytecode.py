# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bytecode for this collection's own controller code, as any installed Python package has.

Ansible's collection loader compiles a collection's Python from source on every import, and Ansible imports a
lookup or test plugin afresh in every forked worker, one per host and task. For this collection that meant
compiling about 2,000 lines of plugin_utils and module_utils per host, some 10 ms of CPU: most of what a lookup
answered from the result cache cost beyond Ansible's own work.

:func:`install` puts a finder just in front of Ansible's for this collection's ``plugin_utils``,
``module_utils`` and ``doc_fragments`` files only. It loads them with Python's standard ``SourceFileLoader``,
which keeps their bytecode in ``__pycache__`` next to them (when that directory is writable; otherwise they
are compiled, as before, and ``PYTHONDONTWRITEBYTECODE`` is honoured). Nothing else changes: same module
names, same files, same code; modules sent to managed hosts are built by Ansible from the sources, as always.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
import sys

PREFIX = 'ansible_collections.seed.alicloud_cas.plugins.'
PACKAGES = ('doc_fragments', 'module_utils', 'plugin_utils')
PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class BytecodeFinder:
    """Finds ``<PREFIX><package>.<name>`` for the packages in ``PACKAGES`` as plain source files with bytecode."""

    seed_alicloud_cas_bytecode = True  # marks the finder, whatever module object defined its class

    def __init__(self, plugins):
        self.plugins = plugins

    def find_spec(self, fullname, path=None, target=None):  # pylint: disable=unused-argument
        if not fullname.startswith(PREFIX):
            return None
        parts = fullname[len(PREFIX):].split('.')
        if len(parts) != 2 or parts[0] not in PACKAGES:
            return None
        filename = os.path.join(self.plugins, parts[0], parts[1] + '.py')
        if not os.path.isfile(filename):
            return None
        return importlib.util.spec_from_file_location(fullname, filename)


def install():
    """Put the finder just in front of Ansible's collection finder, once per process.

    Just in front, not first: whatever precedes Ansible's finder (ansible-test's import checker, for one) keeps
    its place. Without Ansible's finder, nothing here was loaded through it, and nothing is installed.
    """
    if any(getattr(finder, 'seed_alicloud_cas_bytecode', False) for finder in sys.meta_path):
        return
    for index, finder in enumerate(sys.meta_path):
        if type(finder).__name__ == '_AnsibleCollectionFinder':
            sys.meta_path.insert(index, BytecodeFinder(PLUGINS))
            return
