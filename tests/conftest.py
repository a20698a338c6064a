# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.seed.alicloud_cas`` importable from a plain checkout.

The collection must sit at ``.../ansible_collections/seed/alicloud_cas``; the
Makefile links the checkout there under ``build/``. Doing it here too lets a bare
``pytest`` work.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
LINK = os.path.join(BUILD, 'ansible_collections', 'seed', 'alicloud_cas')

if os.path.basename(os.path.dirname(os.path.dirname(ROOT))) == 'ansible_collections':
    COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(ROOT)))
else:
    if not os.path.exists(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        os.symlink(os.path.relpath(ROOT, os.path.dirname(LINK)), LINK)
    COLLECTIONS_ROOT = BUILD
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)
