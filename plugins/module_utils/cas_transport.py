# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP for the CAS client, on ``requests``: the only file that imports it.

It is imported lazily by the client, so a plugin that answers from the cache
never pays for importing ``requests``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import socket
import threading
import time
import traceback
import warnings

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasMissingLibrary, CasTransportError, CasResponseError

try:
    import requests
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
    """One daemon thread per process that cuts the exchanges whose deadline has passed."""

    def __init__(self):
        self._cond = threading.Condition()
        self._exchanges = set()
        self._thread = None

    def watch(self, exchange):
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name='seed.alicloud_cas deadline', daemon=True)
                self._thread.start()
            self._exchanges.add(exchange)
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
                upcoming = min((e.deadline for e in self._exchanges), default=None)
                self._cond.wait(None if upcoming is None else max(upcoming - now, 0.001))


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

    class _DeadlineAdapter(requests.adapters.HTTPAdapter):
        """An adapter whose pools (direct or through an HTTP proxy) note their connections on the exchange."""

        def init_poolmanager(self, *args, **kwargs):
            super(_DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _POOL_CLASSES

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super(_DeadlineAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
            if manager.pool_classes_by_scheme.get('https') is HTTPSConnectionPool:  # not SOCKS: its own pools
                manager.pool_classes_by_scheme = _POOL_CLASSES
            return manager


class RequestsTransport:
    """Sends one signed request; maps every failure to a Cas*Error without secrets.

    Each exchange (connect, send, read the whole answer) ends within ``timeout`` seconds, or by ``deadline``
    (a ``time.monotonic()`` value) when that comes first.
    """

    def __init__(self, verify=True, timeout=10.0, max_body=MAX_BODY_BYTES, base_url=None):
        if not HAS_REQUESTS:
            raise CasMissingLibrary('requests', REQUESTS_IMPORT_ERROR)
        self.session = requests.Session()
        adapter = _DeadlineAdapter()
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)
        # Read the environment (proxies, NO_PROXY, CA bundle variables) once per client instead of on every
        # request: requests would otherwise scan os.environ and stat ~/.netrc each time.
        self.session.trust_env = False
        if base_url:
            self.session.proxies = requests.utils.get_environ_proxies(base_url)
        if verify is True:
            verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
        # A custom session must carry verify itself (community.hashi_vault#461).
        self.session.verify = verify
        self.timeout = timeout
        self.max_body = max_body

    def close(self):
        self.session.close()

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
                # Prepared by hand and sent with Session.send: the URL and headers go out exactly as signed,
                # without Session.request's per-call merging of environment settings.
                prepared = requests.PreparedRequest()
                prepared.prepare(method=method, url=url, headers=headers, data=data)
                response = self.session.send(prepared, timeout=(remaining, remaining), stream=True,
                                             allow_redirects=False)
                try:
                    body = self._read_body(response, host, exchange)
                finally:
                    response.close()
        except requests.exceptions.SSLError as exc:
            if exchange.expired:
                raise self._expired(host) from None
            error = CasTransportError(
                'TLS certificate verification failed for %s (%s): if the endpoint uses a private CA, set ca_bundle to '
                'its CA file; validate_certs: false turns verification off (insecure, for tests only)'
                % (host, _reason(exc)))
            error.retryable = False
            raise error from None
        except requests.exceptions.Timeout:
            raise self._expired(host) from None
        except requests.exceptions.ConnectionError as exc:
            if exchange.expired:
                raise self._expired(host) from None
            raise CasTransportError('Could not connect to %s (%s)' % (host, _reason(exc))) from None
        except requests.exceptions.RequestException as exc:
            if exchange.expired:
                raise self._expired(host) from None
            raise CasTransportError('The request to %s failed (%s)' % (host, _reason(exc))) from None
        headers = dict((k.lower(), v) for k, v in response.headers.items())
        return HttpResponse(response.status_code, headers, body)

    def _expired(self, host):
        return CasTransportError('No complete answer from %s within timeout=%s seconds' % (host, self.timeout))

    def _read_body(self, response, host, exchange):
        """The whole body, bounded in size; a failure in the middle of it is a (retryable) transport error."""
        try:
            # One bounded read: an endpoint that streams far more than the API returns is cut off, not buffered.
            body = response.raw.read(self.max_body + 1, decode_content=True) or b''
        except urllib3.exceptions.DecodeError:
            if exchange.expired:
                raise self._expired(host) from None
            raise CasResponseError('The answer from %s says it is compressed (Content-Encoding %s) but cannot be '
                                   'decompressed: check endpoint and any proxy in between'
                                   % (host, response.headers.get('content-encoding', '?')),
                                   http_status=response.status_code,
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
                                   http_status=response.status_code,
                                   request_id=response.headers.get('x-acs-request-id'))
        return body


def _reason(exc):
    """A short, secret-free reason: the innermost exception's class and text, without URLs."""
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
