# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Modules and the lookup, through ansible-playbook, against the emulator."""

from conftest import assert_ok


def test_info_module(runner):
    assert_ok(runner.playbook('module_info.yml'))
