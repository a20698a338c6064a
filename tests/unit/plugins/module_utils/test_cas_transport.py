# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The transport against a raw socket server that misbehaves: every failure is a clean error, within the deadline.

Each server below stops on its own after ``SERVER_CAP`` seconds; a transport without a whole-exchange deadline
would wait for that and then fail with another message, so the messages prove the deadline.
"""

import socket
import struct
import threading
import time

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasResponseError, CasTransportError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import HttpTransport

SERVER_CAP = 20.0
BODY = b'{"RequestId":"R","InstanceStatusList":[]}'
HEAD = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'


def _read_request(conn):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk


def _drip(conn, payload, interval):
    stop = time.monotonic() + SERVER_CAP
    for i in range(len(payload)):
        if time.monotonic() > stop:
            return
        conn.sendall(payload[i:i + 1])
        time.sleep(interval)


def _behave(kind, conn):
    if kind == 'drip_headers':
        _drip(conn, HEAD + b'Content-Length: %d\r\n' % len(BODY) + b'X-Pad: ' + b'x' * 200 + b'\r\n\r\n' + BODY, 0.05)
    elif kind == 'drip_body':
        conn.sendall(HEAD + b'Content-Length: %d\r\n\r\n' % (len(BODY) * 20))
        _drip(conn, BODY * 20, 0.05)
    elif kind == 'endless_chunked':
        conn.sendall(HEAD + b'Transfer-Encoding: chunked\r\n\r\n')
        stop = time.monotonic() + SERVER_CAP
        while time.monotonic() < stop:
            conn.sendall(b'1\r\n \r\n')
            time.sleep(0.05)
    elif kind == 'reset_mid_body':
        conn.sendall(HEAD + b'Content-Length: %d\r\n\r\n' % len(BODY) + BODY[:10])
        time.sleep(0.1)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    elif kind == 'short_body':
        conn.sendall(HEAD + b'Content-Length: %d\r\n\r\n' % (len(BODY) + 50) + BODY)
    elif kind == 'bad_chunked':
        conn.sendall(HEAD + b'Transfer-Encoding: chunked\r\n\r\nzz\r\n' + BODY + b'\r\n0\r\n\r\n')
    elif kind == 'bad_gzip':
        conn.sendall(HEAD + b'Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n' % len(BODY) + BODY)
    elif kind == 'hang':
        time.sleep(SERVER_CAP)
    elif kind == 'ok':
        conn.sendall(HEAD + b'Content-Length: %d\r\n\r\n' % len(BODY) + BODY)


def _socks5_accept(conn):
    """The server side of a SOCKS5 CONNECT without authentication: the proxy then *is* the endpoint."""
    greeting = conn.recv(2)
    conn.recv(greeting[1])
    conn.sendall(b'\x05\x00')
    head = conn.recv(4)
    size = {1: 4, 4: 16}.get(head[3]) or conn.recv(1)[0]
    conn.recv(size + 2)
    conn.sendall(b'\x05\x00\x00\x01' + b'\x00' * 6)


class Server:
    """Answers every connection the way ``kind`` says (after a SOCKS5 handshake with ``socks``); counts
    connections."""

    def __init__(self, kind, socks=False):
        self.kind = kind
        self.socks = socks
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]
        self.connections = 0
        self.cut = 0  # connections the client closed while the server was still answering
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            if self.socks:
                _socks5_accept(conn)
            _read_request(conn)
            _behave(self.kind, conn)
        except OSError:
            self.cut += 1  # the client cut the connection: what the deadline is for
        finally:
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def serve():
    servers = []

    def start(kind, socks=False):
        servers.append(Server(kind, socks))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


def send(server, timeout=1.0, deadline=None):
    transport = HttpTransport(timeout=timeout)
    try:
        return transport.request('POST', server.url + '/?InstanceId=x', {'host': 'h'}, '127.0.0.1', b'', deadline=deadline)
    finally:
        transport.close()


@pytest.mark.parametrize('kind', ['drip_headers', 'drip_body', 'endless_chunked', 'hang'])
def test_an_answer_that_never_completes_ends_at_the_timeout(serve, kind):
    server = serve(kind)
    with pytest.raises(CasTransportError) as raised:
        send(server, timeout=1.0)
    assert str(raised.value) == 'No complete answer from 127.0.0.1 within timeout=1.0 seconds.'
    assert getattr(raised.value, 'retryable', True) and raised.value.__cause__ is None


def test_the_timeout_holds_through_a_socks_proxy(serve, monkeypatch):
    server = serve('drip_body', socks=True)
    for name in ('NO_PROXY', 'no_proxy', 'HTTP_PROXY', 'http_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('ALL_PROXY', 'socks5h://' + server.url.split('//')[1])
    transport = HttpTransport(timeout=1.0, base_url='http://cas.example.invalid')
    try:
        with pytest.raises(CasTransportError) as raised:
            transport.request('POST', 'http://cas.example.invalid/?InstanceId=x', {'host': 'cas.example.invalid'},
                              'cas.example.invalid', b'')
    finally:
        transport.close()
    assert str(raised.value) == 'No complete answer from cas.example.invalid within timeout=1.0 seconds.'
    # The client cut the dripping answer off (the server's next write failed), rather than waiting it out.
    waited = time.monotonic() + 5
    while not server.cut and time.monotonic() < waited:
        time.sleep(0.05)
    assert (server.connections, server.cut) == (1, 1)


def test_the_call_deadline_ends_an_exchange_before_its_timeout(serve):
    server = serve('drip_body')
    with pytest.raises(CasTransportError) as raised:
        send(server, timeout=30.0, deadline=time.monotonic() + 0.5)
    assert 'No complete answer from 127.0.0.1 within timeout=30.0 seconds' in str(raised.value)


def test_a_deadline_already_past_sends_nothing(serve):
    server = serve('ok')
    with pytest.raises(CasTransportError):
        send(server, deadline=time.monotonic() - 1)
    assert server.connections == 0


@pytest.mark.parametrize('kind', ['reset_mid_body', 'short_body', 'bad_chunked'])
def test_an_answer_broken_in_the_middle_is_a_retryable_transport_error(serve, kind):
    server = serve(kind)
    with pytest.raises(CasTransportError) as raised:
        send(server)
    assert str(raised.value).startswith('The answer from 127.0.0.1 broke off before its end (')
    assert getattr(raised.value, 'retryable', True) and 'Traceback' not in str(raised.value)


def test_a_body_that_claims_gzip_but_is_not_is_one_clear_error(serve):
    with pytest.raises(CasResponseError) as raised:
        send(serve('bad_gzip'))
    assert 'says it is compressed (Content-Encoding gzip) but cannot be decompressed' in str(raised.value)


def test_a_good_answer_after_all_that(serve):
    response = send(serve('ok'))
    assert response.status == 200 and response.body == BODY


def test_the_watchdog_restarts_in_a_forked_child(serve):
    import multiprocessing
    server = serve('hang')
    send(serve('ok'))  # the watchdog thread runs in this process now

    def child(queue):
        try:
            send(server, timeout=0.5)
        except CasTransportError as error:
            queue.put(str(error))
    queue = multiprocessing.get_context('fork').Queue()
    process = multiprocessing.get_context('fork').Process(target=child, args=(queue,))
    process.start()
    assert queue.get(timeout=SERVER_CAP / 2) == 'No complete answer from 127.0.0.1 within timeout=0.5 seconds.'
    process.join(10)


@pytest.mark.parametrize('value', ['zq9-token\u2019', 'zq9-token\u00e9\u4e2d', 'zq9-token\r\nX-Injected: 1'])
def test_a_header_http_cannot_carry_is_one_clear_error_that_hides_it(serve, value):
    transport = HttpTransport(timeout=1.0)
    try:
        with pytest.raises(CasTransportError) as raised:
            transport.request('POST', serve('ok').url + '/', {'host': 'h', 'x-acs-security-token': value}, '127.0.0.1')
    finally:
        transport.close()
    text = str(raised.value)
    assert text.startswith('The request to 127.0.0.1 could not be sent: a header or the URL holds characters HTTP '
                           'cannot carry')
    assert 'zq9' not in text and raised.value.__cause__ is None and raised.value.retryable is False


@pytest.mark.parametrize('scheme', ['http', 'socks5'])
def test_a_proxy_that_cannot_be_reached_is_named_without_its_password(monkeypatch, scheme):
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the proxy refuses the connection
    for name in ('HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.setenv(name, '%s://pxuser:Pr0xyPassw0rd@127.0.0.1:%d' % (scheme, port))
    for name in ('NO_PROXY', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    transport = HttpTransport(timeout=2, base_url='https://cas.example.com')
    with pytest.raises(CasTransportError) as caught:
        transport.request('GET', 'https://cas.example.com/?Action=GetCAInstanceStatus', {}, 'cas.example.com')
    assert str(caught.value).startswith('Could not connect to cas.example.com')
    assert 'Pr0xyPassw0rd' not in str(caught.value) and 'Pr0xyPassw0rd' not in repr(vars(caught.value))
