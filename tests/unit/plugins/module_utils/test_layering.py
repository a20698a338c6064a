# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils imports run one way (no cycle, lazy imports included), and no file uses another's private names."""

import ast
import os

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_client

HERE = os.path.dirname(cas_client.__file__)
PACKAGE = 'ansible_collections.seed.alicloud_cas.plugins.module_utils'


def imports_of(name):
    """``{module: [names]}`` this module_utils file imports from its siblings, wherever the import statement is."""
    with open(os.path.join(HERE, name + '.py')) as handle:
        tree = ast.parse(handle.read())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(PACKAGE + '.'):
                found.setdefault(node.module.rsplit('.', 1)[1], []).extend(a.name for a in node.names)
            elif node.module == PACKAGE:
                for alias in node.names:
                    found.setdefault(alias.name, [])
    return found


MODULES = sorted(f[:-3] for f in os.listdir(HERE) if f.endswith('.py') and f != '__init__.py')
GRAPH = dict((m, imports_of(m)) for m in MODULES)


def test_no_import_cycle():
    state = {}

    def visit(module, path):
        if state.get(module) == 'done':
            return
        assert state.get(module) != 'open', 'import cycle: %s' % ' -> '.join(path + [module])
        state[module] = 'open'
        for imported in GRAPH[module]:
            visit(imported, path + [module])
        state[module] = 'done'
    for module in MODULES:
        visit(module, [])


def test_no_private_name_crosses_a_file():
    crossing = ['%s imports %s from %s' % (m, n, i) for m, deps in GRAPH.items() for i, names in deps.items()
                for n in names if n.startswith('_')]
    assert crossing == []


def test_leaves_import_nothing_of_the_collection():
    for leaf in ('cas_constants', 'cas_env', 'cas_errors', 'cas_files', 'cas_signer'):
        assert GRAPH[leaf] == {}, leaf
