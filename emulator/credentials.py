# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials issued by the emulated STS and metadata service (random, never logged)."""

from __future__ import annotations

import base64
import math
import secrets
import string
import time

from .fixtures import AccessKey

EXPIRATION_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
_ALNUM = string.ascii_letters + string.digits


def _random_text(length, alphabet=_ALNUM):
    return ''.join(secrets.choice(alphabet) for _dummy in range(length))


def new_security_token():
    """A long base64 token shaped like the real ones (``CAIS...``), always containing ``+``, ``/`` and ``=``."""
    while True:
        token = 'CAIS' + base64.b64encode(secrets.token_bytes(299)).decode('ascii')
        if '+' in token and '/' in token:
            return token


def format_time(epoch_seconds):
    """``YYYY-MM-DDTHH:MM:SSZ`` (UTC) of an epoch time."""
    return time.strftime(EXPIRATION_FORMAT, time.gmtime(epoch_seconds))


def issue(account, lifetime_seconds, now, source, denied_actions=()):
    """Return a new temporary AccessKey (``STS.`` id, secret, security token) valid for ``lifetime_seconds``.

    Each issued key has its own throttling window (it names no shared account). It expires at a whole second
    (rounded up), so that the ``Expiration`` shown to the client is exactly when it stops working.
    """
    return AccessKey('STS.' + _random_text(28), _random_text(44), new_security_token(), account=None,
                     denied_actions=denied_actions, default_account=account, expires_at=math.ceil(now + lifetime_seconds),
                     source=source)


def assumed_role_id():
    """The numeric part of ``AssumedRoleUser.AssumedRoleId`` (18 digits, like the real ones)."""
    return str(secrets.randbelow(9 * 10 ** 17) + 10 ** 17)
