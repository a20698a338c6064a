# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/plugins/ is generated from the plugin documentation by tools/plugin_docs.py and must be current."""

import glob
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, 'tools', 'plugin_docs.py')
REGENERATE = '.venv/bin/python tools/plugin_docs.py'


def load_tool():
    spec = importlib.util.spec_from_file_location('plugin_docs', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tool():
    return load_tool()


def test_committed_pages_match_the_plugin_documentation():
    proc = subprocess.run([sys.executable, TOOL, '--check'], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300, check=False)
    assert proc.returncode == 0, (
        'docs/plugins/ is out of date with the plugin documentation (a module, plugin, test or doc fragment changed).\n'
        'Run `%s` and commit docs/plugins/.\n\n%s%s' % (REGENERATE, proc.stdout, proc.stderr))


def test_every_plugin_file_has_a_page():
    """Discovery through ansible-doc finds every documented plugin file of the collection."""
    expected = set()
    for path in glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py')):
        expected.add('%s_module.md' % os.path.basename(path)[:-3])
    for path in glob.glob(os.path.join(ROOT, 'plugins', 'lookup', '*.py')):
        expected.add('%s_lookup.md' % os.path.basename(path)[:-3])
    for kind in ('test', 'filter'):
        for path in glob.glob(os.path.join(ROOT, 'plugins', kind, '*.yml')):
            expected.add('%s_%s.md' % (os.path.basename(path)[:-4], kind))
    expected.discard('__init___module.md')
    pages = set(os.listdir(os.path.join(ROOT, 'docs', 'plugins')))
    assert expected <= pages, 'no page for %s: run `%s`' % (sorted(expected - pages), REGENERATE)
    assert 'README.md' in pages


def test_markup(tool):
    pages = {('ns.coll.mod', 'module'): 'mod_module.md', ('ns.coll.look', 'lookup'): 'look_lookup.md'}
    r = tool.Renderer(pages, 'ns.coll.look', 'lookup')
    assert r.markup('C(a_b) and V(x\\)y) and E(HOME)') == '`a_b` and `x)y` and `HOME`'
    assert r.markup('O(cache_ttl) O(require.status=USED)') == (
        '[`cache_ttl`](#option-cache_ttl) [`require.status=USED`](#option-require--status)')
    assert r.markup('RV(instances[].status)') == '[`instances[].status`](#return-instances--status)'
    assert r.markup('O(ns.coll.mod#module:query)') == '[`query`](mod_module.md#option-query)'
    assert r.markup('O(ignore:foo)') == '`foo`'
    assert r.markup('M(ns.coll.mod) P(ns.coll.look#lookup)') == '[ns.coll.mod](mod_module.md) [ns.coll.look](look_lookup.md)'
    assert r.markup('M(ansible.builtin.assert)') == (
        '[ansible.builtin.assert](https://docs.ansible.com/ansible/latest/collections/ansible/builtin/assert_module.html)')
    assert r.markup('L(the guide,https://example.org/a) U(https://example.org/b)') == (
        '[the guide](https://example.org/a) <https://example.org/b>')
    assert r.markup('I(really) B(not)') == '*really* **not**'
    assert r.markup('a *star*, _x_, a|b, <tag> and ca_usable') == 'a \\*star\\*, \\_x\\_, a\\|b, \\<tag\\> and ca_usable'
    assert r.markup('C(a|b)', table=True) == '`a\\|b`'
    assert r.markup('C(a`b)') == '`` a`b ``'
    assert r.markup('unclosed O(foo') == 'unclosed O(foo'


def test_sources_and_nested_tables(tool):
    r = tool.Renderer({}, 'ns.coll.look', 'lookup')
    options = {
        'region': {'description': 'The region.', 'type': 'str', 'default': 'cn-hangzhou',
                   'vars': [{'name': 'alicloud_cas_region'}], 'env': [{'name': 'ALIBABA_CLOUD_REGION_ID'}],
                   'ini': [{'section': 'alicloud_cas', 'key': 'region'}], 'aliases': ['zone']},
        'require': {'description': ['Conditions.'], 'type': 'dict', 'suboptions': {
            'status': {'description': 'Allowed.', 'type': 'list', 'elements': 'str', 'required': True,
                       'choices': ['USED', 'BUY']}}},
    }
    text = '\n'.join(tool.options_section(options, r, '1.0.0'))
    assert '| Option | Type | Default | Description | Also set from |' in text
    assert ('var: `alicloud_cas_region`<br>env: `ALIBABA_CLOUD_REGION_ID`<br>ini: `[alicloud_cas] region`') in text
    assert 'aliases: `zone`' in text
    assert '<a id="option-require--status"></a>`require.status`<br>**required** | `list of str` |' in text
    assert 'Choices: `USED`, `BUY`' in text
    returns = {'instances': {'description': 'All.', 'type': 'list', 'elements': 'dict', 'returned': 'success',
                             'contains': {'usable': {'description': 'Usable.', 'type': 'bool', 'sample': True}}}}
    text = '\n'.join(tool.return_section(returns, r))
    assert '| <a id="return-instances--usable"></a>`instances.usable` | `bool` |  | Usable.<br>Sample: `true` |' in text


def test_examples_fence_outlasts_backticks_in_the_examples(tool):
    lines = tool.examples_section('\n  - debug:\n      msg: "```"\n')
    assert lines[2] == '````yaml' and lines[4] == '````'
    assert lines[3] == '- debug:\n    msg: "```"'


def test_check_names_stale_and_orphaned_pages(tool):
    marker = tool.MARKER
    expected = {'docs/plugins/a_module.md': marker + '\nA\n', 'docs/plugins/b_module.md': marker + '\nB\n'}
    found = {'docs/plugins/a_module.md': marker + '\nold\n', 'docs/plugins/gone_module.md': marker + '\nG\n',
             'docs/plugins/handwritten.md': 'mine\n'}
    changed, missing, extra = tool.compare(expected, found)
    assert changed == ['docs/plugins/a_module.md']
    assert missing == ['docs/plugins/b_module.md']
    assert extra == ['docs/plugins/gone_module.md']
