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
import traceback
import warnings

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasMissingLibrary, CasTransportError, CasResponseError

try:
    import requests
    import urllib3
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


class RequestsTransport:
    """Sends one signed request; maps every failure to a Cas*Error without secrets."""

    def __init__(self, verify=True, timeout=10.0, max_body=MAX_BODY_BYTES, base_url=None):
        if not HAS_REQUESTS:
            raise CasMissingLibrary('requests', REQUESTS_IMPORT_ERROR)
        self.session = requests.Session()
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

    def post(self, url, headers, host):
        return self.request('POST', url, headers, host)

    def request(self, method, url, headers, host, data=b''):
        try:
            with warnings.catch_warnings():
                # validate_certs=false is reported once by the caller, not by urllib3 on every request.
                warnings.simplefilter('ignore', urllib3.exceptions.InsecureRequestWarning)
                # Prepared by hand and sent with Session.send: the URL and headers go out exactly as signed,
                # without Session.request's per-call merging of environment settings.
                prepared = requests.PreparedRequest()
                prepared.prepare(method=method, url=url, headers=headers, data=data)
                response = self.session.send(prepared, timeout=(self.timeout, self.timeout), stream=True,
                                             allow_redirects=False)
                try:
                    body = self._read_body(response)
                finally:
                    response.close()
        except requests.exceptions.SSLError as exc:
            error = CasTransportError(
                'TLS certificate verification failed for %s (%s): if the endpoint uses a private CA, set ca_bundle to '
                'its CA file; validate_certs: false turns verification off (insecure, for tests only)'
                % (host, _reason(exc)))
            error.retryable = False
            raise error from None
        except requests.exceptions.Timeout:
            raise CasTransportError('No answer from %s within timeout=%s seconds' % (host, self.timeout)) from None
        except requests.exceptions.ConnectionError as exc:
            raise CasTransportError('Could not connect to %s (%s)' % (host, _reason(exc))) from None
        except requests.exceptions.RequestException as exc:
            raise CasTransportError('The request to %s failed (%s)' % (host, _reason(exc))) from None
        headers = dict((k.lower(), v) for k, v in response.headers.items())
        return HttpResponse(response.status_code, headers, body)

    def _read_body(self, response):
        # One bounded read: an endpoint that streams far more than the API returns is cut off, not buffered.
        body = response.raw.read(self.max_body + 1, decode_content=True) or b''
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
