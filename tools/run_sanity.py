# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run ``ansible-test sanity`` of the ansible-core installed with this interpreter, on a machine that reaches
only a package index (``make sanity``).

    <venv>/bin/python tools/run_sanity.py [--target-pythons] [ansible-test sanity options]

The sanity tests run on this interpreter's Python (the controller). With ``--target-pythons`` the tests that
run per Python (compile, import) also run on every other Python this ansible-test supports and this machine
has, as far as ``tests/config.yml`` allows (``modules: python_requires``).

Two things ansible-test needs that a plain checkout does not give:

- the collection at ``.../ansible_collections/seed/alicloud_cas``, as a real tree (ansible-test resolves
  symlinks): a copy of the files git tracks (or would track) under ``build/sanity/<ansible-core X.Y>/``;
- ``--venv`` bootstraps pip with a get-pip script downloaded from the internet (ansible/ansible#77304): this
  seeds ansible-test's cache with ``get_pip_standin.py``, which uses the interpreter's bundled pip (ensurepip)
  and then pip's configured index instead.

ansible-test finds other Pythons as ``pythonX.Y`` on PATH; pyenv's shims of versions not selected are on PATH
but fail. So ``build/sanity/pythons/`` gets a ``pythonX.Y`` link to each interpreter ``tools/find-python``
finds, and comes first on PATH.
"""

import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.expanduser('~/.ansible/test/cache')
PYTHONS = os.path.join(ROOT, 'build', 'sanity', 'pythons')


def ansible_test_source(*parts):
    import ansible_test
    return os.path.join(os.path.dirname(ansible_test.__file__), *parts)


def core_version():
    from ansible.release import __version__
    return '.'.join(__version__.split('.')[:2])


def pip_versions():
    """The pip versions this ansible-test bootstraps (read from its source)."""
    with open(ansible_test_source('_internal', 'python_requirements.py')) as handle:
        return set(re.findall(r"pip='([0-9.]+)'", handle.read())) or {'24.2'}


def supported_pythons():
    """The Python versions this ansible-test runs sanity tests on, controller and targets."""
    with open(ansible_test_source('_util', 'target', 'common', 'constants.py')) as handle:
        return re.findall(r"'([23]\.[0-9]+)'", handle.read())


def seed_get_pip():
    os.makedirs(CACHE, exist_ok=True)
    for version in pip_versions():
        target = os.path.join(CACHE, 'get_pip_%s.py' % version.replace('.', '_'))
        shutil.copyfile(os.path.join(HERE, 'get_pip_standin.py'), target)


def copy_tree(collection):
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                           check=True, stdout=subprocess.PIPE).stdout.decode('utf-8').split('\0')
    shutil.rmtree(collection, ignore_errors=True)
    for name in filter(None, files):
        source = os.path.join(ROOT, name)
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet in git
        target = os.path.join(collection, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    # Its own repository, or ansible-test would find the checkout's, where build/ is ignored.
    subprocess.run(['git', 'init', '-q'], cwd=collection, check=True)


def link_pythons(versions):
    """``build/sanity/pythons/pythonX.Y`` for each version found; returns the versions linked."""
    os.makedirs(PYTHONS, exist_ok=True)
    found = []
    for version in versions:
        link = os.path.join(PYTHONS, 'python' + version)
        if os.path.lexists(link):
            os.unlink(link)
        result = subprocess.run([os.path.join(HERE, 'find-python'), version], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
        if result.returncode == 0:
            os.symlink(result.stdout.strip(), link)
            found.append(version)
    return found


def main(argv):
    target_pythons = '--target-pythons' in argv
    argv = [arg for arg in argv if arg != '--target-pythons']
    controller = '%d.%d' % sys.version_info[:2]
    collection = os.path.join(ROOT, 'build', 'sanity', core_version(), 'ansible_collections', 'seed', 'alicloud_cas')
    copy_tree(collection)
    seed_get_pip()
    found = link_pythons(supported_pythons())
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None) if env.get('PIP_CONFIG_FILE') == os.devnull else None
    env['PATH'] = PYTHONS + os.pathsep + env.get('PATH', '')
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-test'), 'sanity', '--venv', '--color', 'no']
    if target_pythons:
        print('ansible-core %s: sanity tests on Python %s (controller), per-Python tests also on the Pythons found: %s'
              % (core_version(), controller, ', '.join(found)), flush=True)
    else:
        cmd += ['--python', controller]
    cmd += argv
    print('+ (cd %s && %s)' % (os.path.relpath(collection, ROOT), ' '.join(cmd)), flush=True)
    sys.exit(subprocess.call(cmd, cwd=collection, env=env))


if __name__ == '__main__':
    main(sys.argv[1:])
