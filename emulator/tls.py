# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test CA and server certificate for --tls, made by ``trustme`` (a library for exactly this; EC P-256 keys)."""

from __future__ import annotations

import os
import ssl

CA_CERT = 'ca.pem'
CA_KEY = 'ca-key.pem'
SERVER_CERT = 'server.pem'
SERVER_KEY = 'server-key.pem'
DEFAULT_NAMES = ('127.0.0.1', '::1', 'localhost')


class TlsError(Exception):
    """TLS material cannot be created or loaded; the message is one line."""


def _trustme():
    """Import trustme lazily (only --tls needs it) with a clear error."""
    try:
        import trustme
    except ImportError:
        raise TlsError('--tls needs the Python package "trustme" (pip install -r emulator/requirements.txt)')
    return trustme


def _write(path, data, private=False):
    """Write a PEM file (private keys readable by the owner only)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)


def _load_or_create_ca(directory):
    """Reuse ca.pem/ca-key.pem from ``directory`` if both exist, else create them; return ``(CA, ca.pem path)``."""
    trustme = _trustme()
    cert_path, key_path = os.path.join(directory, CA_CERT), os.path.join(directory, CA_KEY)
    if os.path.exists(cert_path) and os.path.exists(key_path):
        try:
            with open(cert_path, 'rb') as cert, open(key_path, 'rb') as key:
                return trustme.CA.from_pem(cert.read(), key.read()), cert_path
        except (OSError, ValueError) as exc:
            raise TlsError('cannot reuse the CA in %s: %s' % (directory, exc))
    ca = trustme.CA(organization_name='seed.alicloud_cas emulator')
    _write(key_path, ca.private_key_pem.bytes(), private=True)
    _write(cert_path, ca.cert_pem.bytes())
    return ca, cert_path


def create_tls_material(directory, extra_names=()):
    """Create (or reuse) a CA and issue a server certificate; return ``(ca_file, cert_file, key_file)``."""
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise TlsError('cannot create --tls-dir %s: %s' % (directory, exc))
    ca, ca_file = _load_or_create_ca(directory)
    names = list(DEFAULT_NAMES) + [n for n in extra_names if n and n not in DEFAULT_NAMES]
    leaf = ca.issue_cert(*names, common_name='localhost')
    cert_file, key_file = os.path.join(directory, SERVER_CERT), os.path.join(directory, SERVER_KEY)
    try:
        _write(key_file, leaf.private_key_pem.bytes(), private=True)
        _write(cert_file, b''.join(pem.bytes() for pem in leaf.cert_chain_pems))
    except OSError as exc:
        raise TlsError('cannot write TLS files to %s: %s' % (directory, exc))
    return ca_file, cert_file, key_file


def server_context(cert_file, key_file):
    """An SSLContext for the server side."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    return context
