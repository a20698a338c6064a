# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How settings are read from the environment (and from files written by people): one meaning for each. Standard library only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

TRUE_WORDS = ('1', 'true', 'yes', 'on')


def clean(value):
    """``value`` as stripped text, or None when it is missing or blank (a blank setting counts as unset)."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def first_set(environ, names):
    """``(value, name)`` of the first of ``names`` set (not blank) in ``environ``, else ``(None, None)``."""
    for name in names:
        value = clean(environ.get(name))
        if value:
            return value, name
    return None, None


def printable_ascii(value):
    """True for text of printable ASCII only (space to ``~``), as AccessKeys, security tokens and HTTP headers are.

    A typographic quote pasted from a document, a non-Latin letter or a control character is not: such a value
    cannot be sent in a header, or cannot be the credential it claims to be.
    """
    return isinstance(value, str) and value.isascii() and value.isprintable()


def truthy(value):
    """A boolean setting: True for a bool True or ``1``, ``true``, ``yes``, ``on`` (any case); False otherwise."""
    if isinstance(value, bool):
        return value
    return (clean(value) or '').lower() in TRUE_WORDS
