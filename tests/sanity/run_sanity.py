# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run ``ansible-test sanity`` from the collection path, on a machine that reaches only a package index.

``ansible-test --venv`` bootstraps pip with a get-pip script downloaded from the internet
(ansible/ansible#77304). This seeds ansible-test's cache with ``get_pip_standin.py``, which uses
the interpreter's bundled pip (ensurepip) and then pip's configured index instead.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# ansible-test resolves symlinks in its working directory, so it needs a real tree at
# .../ansible_collections/seed/alicloud_cas: a copy of the files git tracks (or would track).
COLLECTION = os.path.join(ROOT, 'build', 'sanity', 'ansible_collections', 'seed', 'alicloud_cas')
CACHE = os.path.expanduser('~/.ansible/test/cache')


def pip_versions():
    """The pip versions this ansible-test bootstraps (read from its source)."""
    import ansible_test
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source) as handle:
        return set(re.findall(r"pip='([0-9.]+)'", handle.read())) or {'24.2'}


def seed_get_pip():
    os.makedirs(CACHE, exist_ok=True)
    for version in pip_versions():
        target = os.path.join(CACHE, 'get_pip_%s.py' % version.replace('.', '_'))
        shutil.copyfile(os.path.join(HERE, 'get_pip_standin.py'), target)


def copy_tree():
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                           check=True, stdout=subprocess.PIPE).stdout.decode('utf-8').split('\0')
    shutil.rmtree(COLLECTION, ignore_errors=True)
    for name in filter(None, files):
        source = os.path.join(ROOT, name)
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet in git
        target = os.path.join(COLLECTION, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    # Its own repository, or ansible-test would find the checkout's, where build/ is ignored.
    subprocess.run(['git', 'init', '-q'], cwd=COLLECTION, check=True)


def main():
    copy_tree()
    seed_get_pip()
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None) if env.get('PIP_CONFIG_FILE') == os.devnull else None
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-test'), 'sanity', '--venv',
           '--python', '%d.%d' % sys.version_info[:2], '--color', 'no'] + sys.argv[1:]
    print('+ (cd %s && %s)' % (COLLECTION, ' '.join(cmd)), flush=True)
    status = subprocess.call(cmd, cwd=COLLECTION, env=env)
    sys.exit(status or compile_module_code())


TARGET_PYTHONS = ('3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14')
COMPILE = """
import glob, sys
bad = []
for name in sorted(glob.glob('plugins/module_utils/*.py') + glob.glob('plugins/modules/*.py')):
    try:
        with open(name) as handle:
            compile(handle.read(), name, 'exec')
    except SyntaxError as exc:
        bad.append('%s:%s: %s' % (name, exc.lineno, exc.msg))
print('\\n'.join(bad))
sys.exit(1 if bad else 0)
"""


def find_python(version):
    """An interpreter of ``version`` that really runs (pyenv shims of unselected versions do not)."""
    candidates = [shutil.which('python' + version)]
    candidates += sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python%s' % (version, version))))
    for path in filter(None, candidates):
        if subprocess.call([path, '-c', 'pass'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
            return path
    return None


def compile_module_code():
    """Modules and module_utils run on managed hosts: they must compile on every target Python (3.8+).

    ``--python 3.11`` above checks one; this checks each one installed here (a fresh CI machine has the same image).
    """
    failed, checked = False, []
    for version in TARGET_PYTHONS:
        python = find_python(version)
        if python is None:
            continue
        checked.append(version)
        result = subprocess.run([python, '-c', COMPILE], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
        if result.returncode:
            failed = True
            print('ERROR: module code does not compile on Python %s:\n%s' % (version, result.stdout), flush=True)
    print('Module code compiles on Python %s.' % ', '.join(checked) if not failed else 'Module code: compile errors.', flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    main()
