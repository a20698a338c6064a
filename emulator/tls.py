# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test CA and server certificate generation for --tls (needs the ``cryptography`` package)."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl

CA_CERT = 'ca.pem'
CA_KEY = 'ca-key.pem'
SERVER_CERT = 'server.pem'
SERVER_KEY = 'server-key.pem'
DEFAULT_NAMES = ('127.0.0.1', '::1', 'localhost')


class TlsError(Exception):
    """TLS material cannot be created or loaded; the message is one line."""


def _crypto():
    """Import cryptography lazily with a clear error."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:
        raise TlsError('--tls needs the Python package "cryptography" (pip install cryptography)')
    return x509, hashes, serialization, ec, ExtendedKeyUsageOID, NameOID


def _write(path, data, private=False):
    """Write a PEM file (private keys readable by the owner only)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)


def _san_entries(x509, names):
    """SubjectAlternativeName entries for host names and IP addresses."""
    entries = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return entries


def _load_or_create_ca(directory, now):
    """Reuse ca.pem/ca-key.pem from ``directory`` if both exist, else create them."""
    x509, hashes, serialization, ec, _eku, NameOID = _crypto()
    cert_path, key_path = os.path.join(directory, CA_CERT), os.path.join(directory, CA_KEY)
    if os.path.exists(cert_path) and os.path.exists(key_path):
        try:
            with open(cert_path, 'rb') as handle:
                cert = x509.load_pem_x509_certificate(handle.read())
            with open(key_path, 'rb') as handle:
                key = serialization.load_pem_private_key(handle.read(), password=None)
            return cert, key, cert_path
        except (OSError, ValueError) as exc:
            raise TlsError('cannot reuse the CA in %s: %s' % (directory, exc))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'seed.alicloud_cas emulator test CA'),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'seed.alicloud_cas emulator')])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    _write(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key, cert_path


def create_tls_material(directory, extra_names=()):
    """Create (or reuse) a CA and issue a server certificate; return ``(ca_file, cert_file, key_file)``."""
    x509, hashes, serialization, ec, ExtendedKeyUsageOID, NameOID = _crypto()
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise TlsError('cannot create --tls-dir %s: %s' % (directory, exc))
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_cert, ca_key, ca_file = _load_or_create_ca(directory, now)
    names = list(DEFAULT_NAMES) + [n for n in extra_names if n and n not in DEFAULT_NAMES]
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(_san_entries(x509, names)), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_file, key_file = os.path.join(directory, SERVER_CERT), os.path.join(directory, SERVER_KEY)
    try:
        _write(key_file, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()), private=True)
        _write(cert_file, cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM))
    except OSError as exc:
        raise TlsError('cannot write TLS files to %s: %s' % (directory, exc))
    return ca_file, cert_file, key_file


def server_context(cert_file, key_file):
    """An SSLContext for the server side."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    return context
