"""Offline stand-in for get-pip.py, used by ansible-test (ansible/ansible#77304).

ansible-test runs:  <venv python> <quiet_pip.py> --disable-pip-version-check pip==X [setuptools==Y wheel==Z]
                    [--no-setuptools] [--no-wheel]
with GET_PIP=<this file>, inside a venv created with `python -m venv --without-pip`.
1) bootstrap pip from the interpreter's own bundled wheel (ensurepip, no network);
2) let that pip install exactly what ansible-test asked for, with the machine's normal
   pip configuration (pip.conf indexes, find-links, constraints).
Kept Python 2.7-compatible (ansible-core 2.16 also bootstraps 2.7/3.6 target venvs).
"""
import os
import subprocess
import sys

FLAGS = ('--no-setuptools', '--no-wheel', '--no-pip')
argv = sys.argv[1:]
pip_args = [a for a in argv if a not in FLAGS]

env = dict(os.environ)
# ensurepip deletes every PIP_* variable and sets PIP_CONFIG_FILE=/dev/null in the environment
# it runs in. Running it as a child process keeps that out of our environment; and if an earlier
# in-process ensurepip already poisoned it, drop the /dev/null override so pip.conf is read again.
if env.get('PIP_CONFIG_FILE') == os.devnull:
    del env['PIP_CONFIG_FILE']

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], env=env)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check'] + pip_args, env=env)

# get-pip.py --no-setuptools/--no-wheel installs neither; ensurepip (Python < 3.12) adds setuptools.
drop = [name for name, flag in (('setuptools', '--no-setuptools'), ('wheel', '--no-wheel')) if flag in argv]
if drop:
    with open(os.devnull, 'w') as null:
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '-y'] + drop, env=env, stdout=null, stderr=null)
