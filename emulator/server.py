# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP(S) server and request handler: routing (control, metadata, RPC), faults, authentication, throttling,
responses."""

from __future__ import annotations

import io
import socket
import ssl
import struct
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import PRODUCT, __version__
from .actions import ANONYMOUS_ACTIONS, APIS, is_sts_action, product_of, requested_identifier, requested_instance, run_action
from .auth import MODE_V3, authenticate, check_anonymous, claimed_key, detect_mode, requested_action, resolve_api, sent_security_token
from .control import handle_control, is_control_path, is_loopback, is_shutdown
from .errors import JSON_CONTENT_TYPE, ApiError, encode_json, error_body, new_request_id
from .metadata import ACTION_NAMES, classify, error_page, handle_metadata, is_metadata_path, request_counts
from .protocol import ApiRequest
from .sts import run_sts_action
from . import faults

MAX_REQUEST_BODY = 16 * 1024 * 1024
QUIET_ERRORS = (ConnectionError, TimeoutError, socket.timeout, ssl.SSLError)


class RequestTooLarge(Exception):
    """The request body exceeds MAX_REQUEST_BODY."""


def fixture_settings(fixtures):
    """The startup settings (state) that the fixtures' metadata and sts sections give."""
    return {
        'sts_duration': fixtures.sts['duration'],
        'metadata_enabled': fixtures.metadata['enabled'],
        'metadata_require_token': fixtures.metadata['require_token'],
        'ecs_role': fixtures.metadata['role'],
    }


class EmulatorServer(ThreadingHTTPServer):
    """Threading HTTP server holding the fixtures and the state; optionally TLS."""

    daemon_threads = True
    allow_reuse_address = True
    allow_reuse_port = False
    # listen() backlog. socketserver's default of 5 drops the SYNs of a burst of new connections (a play
    # starting on dozens of hosts at once): those clients stall for the 1 s SYN retransmission.
    request_queue_size = 128

    def __init__(self, address, fixtures, state, verbose=False, ssl_context=None):
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.fixtures = fixtures
        self.state = state
        self.verbose = verbose
        self.ssl_context = ssl_context
        state.set_default_settings(**fixture_settings(fixtures))
        super().__init__(address, EmulatorHandler)

    def get_request(self):
        """Accept a connection; with TLS, wrap it (the handshake runs in the handler thread)."""
        sock, address = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        """Stay quiet about client disconnects; report other errors on one line (traceback with --verbose)."""
        exc = sys.exc_info()[1]
        if isinstance(exc, QUIET_ERRORS):
            self.log('connection from %s ended: %s' % (client_address[0], type(exc).__name__))
            return
        sys.stderr.write('emulator: internal error while serving %s: %s: %s\n' % (client_address[0], type(exc).__name__, exc))
        if self.verbose:
            traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()

    def log(self, message):
        """Write a log line to stderr when --verbose was given."""
        if self.verbose:
            sys.stderr.write('%s %s\n' % (time.strftime('%Y-%m-%dT%H:%M:%S'), message))
            sys.stderr.flush()

    @property
    def port(self):
        """The bound TCP port."""
        return self.server_address[1]


class EmulatorHandler(BaseHTTPRequestHandler):
    """One connection: API requests and control requests."""

    protocol_version = 'HTTP/1.1'
    server_version = 'cas-emulator/%s' % __version__
    sys_version = ''
    timeout = 120
    # Headers and body go out in separate writes; without TCP_NODELAY a keep-alive client waits
    # for its delayed ACK (~40 ms) on every request.
    disable_nagle_algorithm = True

    # Plumbing --------------------------------------------------------------

    def handle(self):
        """Run the TLS handshake (if any) in this thread, then serve the connection."""
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                self.server.log('TLS handshake with %s failed: %s' % (self.client_address[0], exc))
                self.close_connection = True
                return
        super().handle()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Access and error log lines go to stderr, only with --verbose."""
        if self.server.verbose:
            self.server.log('%s %s' % (self.client_address[0], format % args))

    def log_request(self, code='-', size='-'):
        """Log without the query string (it may hold a SecurityToken)."""
        split = urlsplit(self.path)
        path = split.path + ('?...' if split.query else '')
        self.log_message('"%s %s" %s', self.command, path, code)

    def version_string(self):
        """The Server header."""
        return self.server_version

    def do_GET(self):
        """GET: API (V1/V3) or control."""
        self._dispatch()

    def do_POST(self):
        """POST: API (V1/V3) or control."""
        self._dispatch()

    def do_PUT(self):
        """PUT: metadata token, else not an RPC method (InvalidAction.NotFound)."""
        self._dispatch()

    def do_DELETE(self):
        """DELETE: control (faults) or InvalidAction.NotFound."""
        self._dispatch()

    def do_PATCH(self):
        """PATCH: not an RPC method (InvalidAction.NotFound)."""
        self._dispatch()

    def _read_body(self):
        """Read the request body (Content-Length or chunked)."""
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            data = bytearray()
            while True:
                size = int(self.rfile.readline(65537).split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b'\r\n', b'\n', b''):
                        pass
                    return bytes(data)
                if len(data) + size > MAX_REQUEST_BODY:
                    raise RequestTooLarge()
                data += self.rfile.read(size)
                self.rfile.readline(65537)
        length = int(self.headers.get('Content-Length') or 0)
        if length < 0 or length > MAX_REQUEST_BODY:
            raise RequestTooLarge()
        return self.rfile.read(length) if length else b''

    def _dispatch(self):
        """Read the body, then route to the control interface or the API."""
        try:
            try:
                body = self._read_body()
            except (RequestTooLarge, ValueError):
                self.close_connection = True
                self._send_error(ApiError('InvalidParameter', 'The request body is too large or malformed.', 400), None, new_request_id())
                return
            path = urlsplit(self.path).path
            if is_control_path(path):
                self._control(path, body)
            elif is_metadata_path(path):
                self._metadata(path)
            else:
                self._api(body)
        except QUIET_ERRORS as exc:
            self.close_connection = True
            self.server.log('connection from %s ended: %s' % (self.client_address[0], type(exc).__name__))

    # Responses -------------------------------------------------------------

    def _send(self, status, content_type, chunks, request_id, headers=()):
        """Send a complete response; ``chunks`` is a list of byte strings (no x-acs-request-id if request_id is None)."""
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(sum(len(chunk) for chunk in chunks)))
        if request_id is not None:
            self.send_header('x-acs-request-id', request_id)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        for chunk in chunks:
            if chunk:
                self.wfile.write(chunk)

    def _send_json(self, status, data, request_id, headers=()):
        """Send a JSON body."""
        self._send(status, JSON_CONTENT_TYPE, [encode_json(data)], request_id, headers)

    def _send_error(self, err, request, request_id, product=None):
        """Send the POP gateway error body for an ApiError and count it."""
        host_id = request.host_id if request is not None else self.headers.get('Host')
        self.server.state.count_error(err.code)
        body = error_body(err.code, err.message, request_id, host_id, product or PRODUCT)
        self._send_json(err.status, body, request_id, err.headers)

    def _drop_connection(self, reason):
        """Close the connection with an RST (SO_LINGER 0): the client sees a reset, no response."""
        self.server.log('%s: dropping the connection from %s' % (reason, self.client_address[0]))
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        self.close_connection = True
        self.connection.close()

    # Control ---------------------------------------------------------------

    def _control(self, path, body):
        """Serve the control interface (loopback clients only)."""
        request_id = new_request_id()
        if not is_loopback(self.client_address[0]):
            self._send_json(403, {'error': 'the control interface is only available from loopback addresses'}, request_id)
            return
        status, data = handle_control(self.command, path, body, self.server.state, self.server.fixtures)
        self._send_json(status, data, request_id)
        if status == 200 and is_shutdown(self.command, path):
            self.close_connection = True
            self.server.state.stop_event.set()  # after the answer: the main thread then stops the server

    # API -------------------------------------------------------------------

    def _api(self, body):
        """Serve one API request: faults, routing, authentication, throttling, RAM, action."""
        state = self.server.state
        request_id = new_request_id()
        request = ApiRequest(self.command, self.path, self.headers.items(), body)
        mode = detect_mode(request)
        asked = requested_action(request, mode)
        state.count_request(asked or '(none)')
        product = product_of(asked)
        fault = state.pop_fault('sts' if is_sts_action(asked) else 'cas')
        kind = fault['kind'] if fault is not None else None
        if kind in faults.TRANSPORT_FAULTS:
            if self._transport_fault(fault, request, request_id, product):
                return
        elif kind in faults.DELIVERY_FAULTS:
            self._deliver_faulty(fault, lambda: self._answer(request, mode, request_id, product, None))
            return
        elif kind in faults.KEY_FAULTS:
            if self._echo_secret(request, mode, request_id, product):
                return
        self._answer(request, mode, request_id, product, fault if kind in faults.DATA_FAULTS else None)

    def _answer(self, request, mode, request_id, product, data_fault):
        """Authenticate and run the action; send its answer, or the body of ``data_fault`` instead of a success."""
        try:
            success = self._run(request, mode, request_id)
        except ApiError as err:
            self._send_error(err, request, request_id, product)
            return
        except Exception as exc:  # a bug in the emulator: answer like the gateway would
            sys.stderr.write('emulator: internal error: %s: %s\n' % (type(exc).__name__, exc))
            if self.server.verbose:
                traceback.print_exc(file=sys.stderr)
            self._send_error(ApiError('InternalError'), request, request_id, product)
            return
        chunks = faults.data_fault_chunks(data_fault, success, request_id) if data_fault is not None else None
        if chunks is not None:
            self.server.state.count_fault()
            self._send(200, JSON_CONTENT_TYPE, chunks, request_id)
            return
        self._send_json(200, success, request_id)

    def _echo_secret(self, request, mode, request_id, product):
        """The echo_secret fault: if the request names a known AccessKey, answer 400 with its secret (and the
        security token sent) in Code, Message, RequestId and Recommend. Return True if it did."""
        key = claimed_key(request, mode, self.server.fixtures, self.server.state)
        if key is None:
            return False
        self.server.state.count_fault()
        body = faults.echo_secret_body(key.secret, sent_security_token(request, mode), request_id, request.host_id, product)
        self._send_json(400, body, request_id)
        return True

    def _run(self, request, mode, request_id):
        """Routing, authentication (none for anonymous STS calls), throttling, RAM, then the action."""
        state, fixtures = self.server.state, self.server.fixtures
        action, _version = resolve_api(request, mode, APIS)
        sts = is_sts_action(action)
        key = None
        if action in ANONYMOUS_ACTIONS and mode != MODE_V3:
            check_anonymous(request, state)
        else:
            key = authenticate(request, mode, fixtures, state)
            # STS calls have their own window: a role refresh never eats into the CAS quota.
            if not state.try_accept(('sts|' if sts else '') + key.throttle_bucket):
                raise ApiError('Throttling.User')
            state.count_key_call(key.id)
            if action in key.denied_actions:
                raise ApiError('NoPermission' if sts else 'Forbidden.RAM')
        params = request.params
        if sts:
            state.count_role_call(params.get('RoleArn'))
            return run_sts_action(action, fixtures, state, key, params, request_id)
        state.count_instance_call(requested_instance(params))
        state.count_identifier_call(requested_identifier(params))
        return run_action(action, fixtures, key.account, params, request_id)

    # Metadata --------------------------------------------------------------

    def _metadata(self, path):
        """Serve one ECS metadata request (plain text / JSON, no POP error bodies)."""
        state = self.server.state
        kind, _role = classify(path)
        state.count_request(ACTION_NAMES[kind])
        counts = request_counts(kind, self.headers.get)
        if not state.setting('metadata_enabled'):
            state.count_metadata(*(counts + ['unavailable']))
            self._drop_connection('metadata disabled')
            return
        state.count_metadata(*counts)
        fault = state.pop_fault('metadata')
        fault_kind = fault['kind'] if fault is not None else None
        if fault_kind in faults.TRANSPORT_FAULTS:
            if self._metadata_transport_fault(fault):
                return
        elif fault_kind in faults.DELIVERY_FAULTS:
            self._deliver_faulty(fault, lambda: self._metadata_answer(path, None))
            return
        self._metadata_answer(path, fault if fault_kind in faults.DATA_FAULTS else None)

    def _metadata_answer(self, path, data_fault):
        """Send the metadata answer, or the body of ``data_fault`` instead of a credentials document."""
        state = self.server.state
        try:
            _kind, answer = handle_metadata(self.command, path, self.headers.get, self.server.fixtures, state)
        except Exception as exc:  # a bug in the emulator: a bare 500 page, never a traceback
            sys.stderr.write('emulator: internal error: %s: %s\n' % (type(exc).__name__, exc))
            if self.server.verbose:
                traceback.print_exc(file=sys.stderr)
            answer = error_page(500)
        if answer.document is None:
            self._send(answer.status, answer.content_type, [answer.body], None)
            return
        chunks = faults.data_fault_chunks(data_fault, answer.document, None) if data_fault is not None else None
        if chunks is not None:
            state.count_fault()
            self._send(200, answer.content_type, chunks, None)
        else:
            self._send(answer.status, answer.content_type, [encode_json(answer.document)], None)

    def _metadata_transport_fault(self, fault):
        """Apply a transport fault to a metadata request; return True if it has been answered (or dropped)."""
        self.server.state.count_fault()
        kind = fault['kind']
        if kind == 'hang':
            if self.server.state.hold(fault['seconds']):
                return False
            self._drop_connection('held request outlived a reset or the emulator')
            return True
        if kind == 'reset':
            self._drop_connection('fault reset')
            return True
        if kind == 'html502':
            self._send(502, 'text/html', [faults.HTML_502], None)
            return True
        if kind == 'endless_chunked':
            self._endless_chunked(fault['interval'], None)
            return True
        status = {'http500': 500, 'http503': 503}.get(kind, 429)
        page = error_page(status)
        self._send(status, page.content_type, [page.body], None)
        return True

    def _transport_fault(self, fault, request, request_id, product=None):
        """Apply a transport fault; return True if the request has been answered (or dropped)."""
        state = self.server.state
        kind = fault['kind']
        state.count_fault()
        if kind == 'hang':
            if state.hold(fault['seconds']):
                return False
            self._drop_connection('held request outlived a reset or the emulator')
            return True
        if kind == 'reset':
            self._drop_connection('fault reset')
            return True
        if kind == 'html502':
            self._send(502, 'text/html', [faults.HTML_502], request_id)
            return True
        if kind == 'endless_chunked':
            self._endless_chunked(fault['interval'], request_id)
            return True
        errors = {
            'http500': ApiError('InternalError'),
            'http503': ApiError('ServiceUnavailable'),
            'throttle': ApiError('Throttling.User'),
            'retry_after': ApiError('Throttling.User', status=429, headers=[('x-acs-retry-after', str(fault.get('retry_after_ms')))]),
        }
        self._send_error(errors[kind], request, request_id, product)
        return True

    # Slow and broken answers ------------------------------------------------

    def _endless_chunked(self, interval, request_id):
        """200, chunked JSON, then a space every ``interval`` seconds until the client goes away (the write fails),
        the emulator stops or MAX_SLOW_SECONDS pass; the body never ends."""
        self.close_connection = True
        self.send_response(200)
        self.send_header('Content-Type', JSON_CONTENT_TYPE)
        self.send_header('Transfer-Encoding', 'chunked')
        if request_id is not None:
            self.send_header('x-acs-request-id', request_id)
        self.end_headers()
        deadline = time.monotonic() + faults.MAX_SLOW_SECONDS
        while True:
            self.wfile.write(b'1\r\n \r\n')
            if self.server.state.stop_event.wait(interval) or time.monotonic() >= deadline:
                return

    def _deliver_faulty(self, fault, answer):
        """A delivery fault: run ``answer()`` with its response captured, then put that response on the wire the
        way the fault says."""
        self.server.state.count_fault()
        wire, self.wfile = self.wfile, io.BytesIO()
        try:
            answer()
            response = self.wfile.getvalue()
        finally:
            self.wfile = wire
        head, _blank, body = response.partition(b'\r\n\r\n')
        kind = fault['kind']
        if kind == 'drip_headers':
            if self._drip(head + b'\r\n\r\n', fault['interval']):
                self.wfile.write(body)
        elif kind == 'drip_body':
            self.wfile.write(head + b'\r\n\r\n')
            self._drip(body, fault['interval'])
        elif kind == 'reset_mid_body':
            self.wfile.write(head + b'\r\n\r\n' + body[:len(body) // 2])
            self._drop_connection('fault reset_mid_body')
        elif kind == 'short_body':
            self.close_connection = True
            self.wfile.write(faults.rewrite_head(head, [('Content-Length', str(2 * len(body) + 1))]) + body)
        elif kind == 'bad_chunked':
            self.close_connection = True
            self.wfile.write(faults.rewrite_head(head, [('Transfer-Encoding', 'chunked')], ['content-length'])
                             + b'zz\r\n' + body + b'\r\n0\r\n\r\n')
        else:  # bad_gzip
            self.wfile.write(faults.rewrite_head(head, [('Content-Encoding', 'gzip')]) + body)

    def _drip(self, data, interval):
        """Write ``data`` one byte at a time, ``interval`` seconds apart. If the emulator stops or MAX_SLOW_SECONDS
        pass first, close the connection and return False. A client that goes away makes a write fail."""
        deadline = time.monotonic() + faults.MAX_SLOW_SECONDS
        for index in range(len(data)):
            if index and (self.server.state.stop_event.wait(interval) or time.monotonic() >= deadline):
                self.close_connection = True
                return False
            self.wfile.write(data[index:index + 1])
        return True
