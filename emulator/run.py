# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command against a temporary emulator: ``python -m emulator.run [EMULATOR OPTIONS] -- COMMAND [ARGS]``.

The command gets ALIBABA_CLOUD_ENDPOINT_CAS, ALIBABA_CLOUD_STS_ENDPOINT and ALICLOUD_CAS_ECS_METADATA_ENDPOINT
(all the emulator's URL), ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (the demo key), plus
ALICLOUD_CAS_CA_BUNDLE with --tls; the exit code is the command's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from . import command_name
from .testing import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, EmulatorError, start_emulator

# Credentials from the caller's environment that would not match the demo key.
CLEARED_VARIABLES = (
    'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN', 'ALIBABACLOUD_SECURITY_TOKEN',
    'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE',
)


def command_environment(emu, base=None):
    """The environment of the wrapped command."""
    env = dict(os.environ if base is None else base)
    for name in CLEARED_VARIABLES:
        env.pop(name, None)
    env['ALIBABA_CLOUD_ENDPOINT_CAS'] = emu.url
    env['ALIBABA_CLOUD_STS_ENDPOINT'] = emu.sts_endpoint
    env['ALICLOUD_CAS_ECS_METADATA_ENDPOINT'] = emu.metadata_endpoint
    env['ALIBABA_CLOUD_ACCESS_KEY_ID'] = DEMO_ACCESS_KEY_ID
    env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] = DEMO_ACCESS_KEY_SECRET
    env['CAS_EMULATOR_URL'] = emu.url
    if emu.ca_file:
        env['ALICLOUD_CAS_CA_BUNDLE'] = emu.ca_file
    return env


def main(argv=None):
    """Start the emulator, run the command with its connection in the environment, stop the emulator."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if '--' not in argv or argv.index('--') == len(argv) - 1:
        sys.stderr.write('usage: %s [EMULATOR OPTIONS] -- COMMAND [ARGS...]\n' % command_name('run'))
        return 2
    split = argv.index('--')
    emulator_args, command = argv[:split], argv[split + 1:]
    try:
        emu = start_emulator(extra_args=emulator_args)
    except EmulatorError as exc:
        sys.stderr.write('emulator.run: %s\n' % ' '.join(str(exc).split()))
        return 2
    sys.stderr.write('emulator.run: CAS emulator at %s\n' % emu.url)
    sys.stderr.flush()
    try:
        child = subprocess.Popen(command, env=command_environment(emu))
    except OSError as exc:
        emu.stop()
        sys.stderr.write('emulator.run: cannot run %s: %s\n' % (command[0], exc))
        return 127
    previous = {}

    def _forward(signum, frame):
        if child.poll() is None:
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, _forward)
    try:
        returncode = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        emu.stop()
    return returncode if returncode >= 0 else 128 - returncode


if __name__ == '__main__':
    sys.exit(main())
