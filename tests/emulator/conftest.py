# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: one emulator per test module, reset before every test."""

from __future__ import annotations

import os
import sys

import pytest

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if COLLECTION_ROOT not in sys.path:
    sys.path.insert(0, COLLECTION_ROOT)

# Never send emulator traffic through a proxy.
os.environ['NO_PROXY'] = os.environ['no_proxy'] = '127.0.0.1,localhost,::1'

from emulator.testing import start_emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='module')
def emulator_process():
    """One emulator (default fixtures, default qps) for the whole test module."""
    emu = start_emulator()
    yield emu
    emu.stop()


@pytest.fixture
def emulator(emulator_process):  # pylint: disable=redefined-outer-name
    """The module emulator, reset (counters, faults, nonces, throttling, skew) for this test."""
    emulator_process.reset()
    return emulator_process
