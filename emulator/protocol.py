# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parsed form of one incoming API request (method, path, query, headers, body, form)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'


class ApiRequest:
    """An HTTP request as the signature checks and the action need it."""

    def __init__(self, method, target, headers, body=b''):
        split = urlsplit(target)
        self.method = method.upper()
        self.path = split.path or '/'
        self.raw_query = split.query
        self.query_pairs = parse_qsl(split.query, keep_blank_values=True)
        self.headers = [(str(name), str(value)) for name, value in headers]
        self.body = body or b''
        self.form_pairs = []
        content_type = (self.header('content-type') or '').split(';')[0].strip().lower()
        if self.body and content_type == FORM_CONTENT_TYPE:
            self.form_pairs = parse_qsl(self.body.decode('utf-8', 'replace'), keep_blank_values=True)

    def header(self, name):
        """Return the first value of a header (case-insensitive), or None."""
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def header_names(self):
        """Return the set of lower-cased header names."""
        return set(key.lower() for key, _value in self.headers)

    @property
    def params(self):
        """Query and form parameters merged (form values win), as a dict."""
        merged = dict(self.query_pairs)
        merged.update(self.form_pairs)
        return merged

    @property
    def host_id(self):
        """The Host header (the HostId of error bodies), if any."""
        return self.header('host')
