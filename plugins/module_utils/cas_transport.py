# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP for the CAS client: the only file that imports ``requests`` and ``urllib3``.

Requests go out through urllib3's connection pools directly: the signed URL and headers are sent exactly as
signed, without ``requests.Session``'s per-call preparation (hooks, cookies, adapters), which costs more than
the rest of a call. ``requests`` still answers the questions it answers best: which proxy the environment
names for a URL (``HTTPS_PROXY``, ``NO_PROXY``, ...) and where the default CA bundle is.

It is imported lazily by the client, so a plugin that answers from the cache never pays for importing it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import socket
import threading
import time
import traceback
import warnings

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasConfigError, CasMissingLibrary, CasResponseError, CasTransportError)

try:
    import requests.utils
    import urllib3
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

MAX_BODY_BYTES = 8 * 1024 * 1024


class HttpResponse:
    """Status, lower-cased headers and body bytes of one answer."""

    __slots__ = ('status', 'headers', 'body')

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class _Exchange:
    """One request and its answer, with a deadline: past it, the watchdog cuts the connection.

    ``timeout`` in requests (and urllib3) bounds each socket operation, not the whole answer: an endpoint that
    sends a byte every second, or an endless chunked body, would hold a task forever. The pool classes below
    tell the exchange which connection it uses, so that :class:`_Watchdog` can shut that socket down at the
    deadline; the blocked read then ends at once and the attempt fails as a timeout.
    """

    __slots__ = ('deadline', 'connections', 'expired')

    def __init__(self, deadline):
        self.deadline = deadline
        self.connections = []
        self.expired = False

    def cut(self):
        self.expired = True
        for connection in self.connections:
            sock = getattr(connection, 'sock', None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Watchdog:
    """One daemon thread per process that cuts the exchanges whose deadline has passed.

    It is woken only when an exchange's deadline comes before its next planned wake-up: calls that follow each
    other (each deadline later than the last) cost it no wake-up, so no thread switch, at all.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._exchanges = set()
        self._thread = None
        self._wake_at = float('inf')

    def watch(self, exchange):
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name='seed.alicloud_cas deadline', daemon=True)
                self._thread.start()
            self._exchanges.add(exchange)
            if exchange.deadline < self._wake_at:
                self._wake_at = exchange.deadline
                self._cond.notify()

    def unwatch(self, exchange):
        with self._cond:
            self._exchanges.discard(exchange)

    def _run(self):
        with self._cond:
            while True:
                now = time.monotonic()
                for exchange in [e for e in self._exchanges if e.deadline <= now]:
                    self._exchanges.discard(exchange)
                    exchange.cut()
                self._wake_at = min((e.deadline for e in self._exchanges), default=float('inf'))
                self._cond.wait(None if self._wake_at == float('inf') else max(self._wake_at - now, 0.001))


_WATCHDOG = _Watchdog()
_CURRENT = threading.local()


def _after_fork():
    # The watchdog thread does not survive a fork (Ansible forks a worker per host), and its lock may have been
    # held at that moment: the child starts with a fresh one.
    global _WATCHDOG  # pylint: disable=global-statement
    _WATCHDOG = _Watchdog()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork)


def _noting_connection(pool_class):
    """``pool_class`` whose connections are noted on the calling thread's current exchange."""
    class Pool(pool_class):
        def _get_conn(self, timeout=None):
            connection = super(Pool, self)._get_conn(timeout=timeout)
            exchange = getattr(_CURRENT, 'exchange', None)
            if exchange is not None:
                exchange.connections.append(connection)
            return connection
    Pool.__name__ = 'Deadline' + pool_class.__name__
    return Pool


if HAS_REQUESTS:
    _POOL_CLASSES = {'http': _noting_connection(HTTPConnectionPool), 'https': _noting_connection(HTTPSConnectionPool)}


def _pool_manager(base_url, verify):
    """A urllib3 pool manager for ``base_url``: through the proxy the environment names for it, if any."""
    if verify is True:
        verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or \
            requests.utils.DEFAULT_CA_BUNDLE_PATH
    tls = dict(cert_reqs='CERT_REQUIRED', ca_certs=verify) if verify else dict(cert_reqs='CERT_NONE')
    proxy = requests.utils.select_proxy(base_url, requests.utils.get_environ_proxies(base_url)) if base_url else None
    if not proxy:
        manager = urllib3.PoolManager(**tls)
    elif proxy.lower().startswith('socks'):
        from urllib3.contrib.socks import SOCKSProxyManager  # needs PySocks, as requests does for SOCKS
        username, password = requests.utils.get_auth_from_url(proxy)
        manager = SOCKSProxyManager(proxy, username=username or None, password=password or None, **tls)
        # Its own pools (they connect through the proxy), with their connections noted for the watchdog too.
        manager.pool_classes_by_scheme = dict((scheme, _noting_connection(pool))
                                              for scheme, pool in manager.pool_classes_by_scheme.items())
        return manager
    else:
        username, password = requests.utils.get_auth_from_url(proxy)
        headers = urllib3.make_headers(proxy_basic_auth='%s:%s' % (username, password)) if username else None
        manager = urllib3.ProxyManager(proxy, proxy_headers=headers, **tls)
    manager.pool_classes_by_scheme = _POOL_CLASSES
    return manager


class HttpTransport:
    """Sends one signed request; maps every failure to a Cas*Error without secrets.

    Each exchange (connect, send, read the whole answer) ends within ``timeout`` seconds, or by ``deadline``
    (a ``time.monotonic()`` value) when that comes first. The environment (proxies, CA bundle variables) is
    read once, when the transport is made.
    """

    def __init__(self, verify=True, timeout=10.0, max_body=MAX_BODY_BYTES, base_url=None):
        if not HAS_REQUESTS:
            raise CasMissingLibrary('requests', REQUESTS_IMPORT_ERROR)
        try:
            self.pool = _pool_manager(base_url, verify)
        except ImportError:
            raise CasConfigError('The environment names a SOCKS proxy for %s, which needs the Python library PySocks '
                                 '(pip install requests[socks]) or no proxy (NO_PROXY).' % base_url) from None
        self.timeout = timeout
        self.max_body = max_body

    def close(self):
        self.pool.clear()

    def request(self, method, url, headers, host, data=b'', deadline=None):
        now = time.monotonic()
        exchange = _Exchange(now + self.timeout if deadline is None else min(now + self.timeout, deadline))
        remaining = exchange.deadline - now
        if remaining <= 0:
            raise CasTransportError('No answer from %s within timeout=%s seconds' % (host, self.timeout))
        _CURRENT.exchange = exchange
        _WATCHDOG.watch(exchange)
        try:
            return self._exchange(method, url, headers, host, data, remaining, exchange)
        finally:
            _WATCHDOG.unwatch(exchange)
            _CURRENT.exchange = None

    def _exchange(self, method, url, headers, host, data, remaining, exchange):
        try:
            with warnings.catch_warnings():
                # validate_certs=false is reported once by the caller, not by urllib3 on every request.
                warnings.simplefilter('ignore', urllib3.exceptions.InsecureRequestWarning)
                response = self.pool.request(method, url, body=data, headers=headers, retries=False, redirect=False,
                                             preload_content=False, decode_content=True,
                                             timeout=urllib3.Timeout(connect=remaining, read=remaining))
                try:
                    body = self._read_body(response, host, exchange)
                finally:
                    response.release_conn()
        except urllib3.exceptions.SSLError as exc:
            if exchange.expired:
                raise self._expired(host) from None
            error = CasTransportError(
                'TLS certificate verification failed for %s (%s): if the endpoint uses a private CA, set ca_bundle to '
                'its CA file; validate_certs: false turns verification off (insecure, for tests only)'
                % (host, _reason(exc)))
            error.retryable = False
            raise error from None
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ProxyError) as exc:
            # Before TimeoutError: urllib3 makes NewConnectionError (refused, no such host) a ConnectTimeoutError.
            if exchange.expired:
                raise self._expired(host) from None
            raise CasTransportError('Could not connect to %s (%s)' % (host, _reason(exc))) from None
        except urllib3.exceptions.TimeoutError:
            raise self._expired(host) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if exchange.expired:
                raise self._expired(host) from None
            raise CasTransportError('The request to %s failed (%s)' % (host, _reason(exc))) from None
        except ValueError:
            # UnicodeEncodeError for a header value beyond Latin-1 (a typographic quote pasted into a credential),
            # ValueError for a control character: their texts quote the value, which may be a secret, so neither is
            # shown. The credential sources refuse such values first; this is the last line of defence.
            if exchange.expired:
                raise self._expired(host) from None
            error = CasTransportError('The request to %s could not be sent: a header or the URL holds characters '
                                      'HTTP cannot carry (other than printable ASCII). Check the credentials and '
                                      'options for a pasted typographic quote, a non-Latin letter or a control '
                                      'character' % host)
            error.retryable = False
            raise error from None
        return HttpResponse(response.status, dict((k.lower(), v) for k, v in response.headers.items()), body)

    def _expired(self, host):
        return CasTransportError('No complete answer from %s within timeout=%s seconds' % (host, self.timeout))

    def _read_body(self, response, host, exchange):
        """The whole body, bounded in size; a failure in the middle of it is a (retryable) transport error."""
        try:
            # One bounded read: an endpoint that streams far more than the API returns is cut off, not buffered.
            body = response.read(self.max_body + 1) or b''
        except urllib3.exceptions.DecodeError:
            if exchange.expired:
                raise self._expired(host) from None
            raise CasResponseError('The answer from %s says it is compressed (Content-Encoding %s) but cannot be '
                                   'decompressed: check endpoint and any proxy in between'
                                   % (host, response.headers.get('content-encoding', '?')),
                                   http_status=response.status,
                                   request_id=response.headers.get('x-acs-request-id')) from None
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            # A reset, a timeout, a body shorter than its Content-Length, a broken chunked encoding: the network
            # failed mid-answer, which is as transient as a failure before it.
            if exchange.expired:
                raise self._expired(host) from None
            raise CasTransportError('The answer from %s broke off before its end (%s)' % (host, _reason(exc))) from None
        if exchange.expired:
            raise self._expired(host)
        if len(body) > self.max_body:
            raise CasResponseError('The answer from the endpoint is larger than %d MiB, far more than '
                                   'GetCAInstanceStatus returns: check endpoint' % (self.max_body // (1024 * 1024)),
                                   http_status=response.status,
                                   request_id=response.headers.get('x-acs-request-id'))
        return body


def _reason(exc):
    """A short reason: the innermost exception's text, cut at 200 characters.

    It holds no secret: credentials travel in headers and the form body, never in the URL or the connection
    details urllib3 quotes, and a proxy's user and password are not part of its messages.
    """
    inner = exc
    seen = set()
    while True:
        nxt = getattr(inner, 'reason', None) or (inner.args[0] if getattr(inner, 'args', None) and isinstance(inner.args[0], Exception) else None)
        if nxt is None or id(nxt) in seen:
            break
        seen.add(id(nxt))
        inner = nxt
    text = str(inner)
    # urllib3 messages may quote the URL, which holds the query (instance IDs, no secrets); keep it short.
    if len(text) > 200:
        text = text[:200] + '...'
    return text
