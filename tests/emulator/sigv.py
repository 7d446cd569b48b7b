"""Signed requests to the emulator over a raw HTTP client.

The signatures come from the SDK's signer (tests/sdk_signer.py), independent of the emulator's
verifier, so the signature tests do not check the emulator against itself.
"""

from __future__ import annotations

import http.client
import json
import time
import uuid
from urllib.parse import quote, urlsplit

import sdk_signer

EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def now_date(offset=0):
    return time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() + offset))


def signed_headers(
    method, url, body, ak, sk, region, version='JDCLOUD2', service='redis', date=None, extra=None, sign_date_nonce=None
):
    """Headers as the SDKs send them: JDCLOUD2 signs date and nonce (Go SDK), JDCLOUD3 only content-type;host (Python SDK)."""
    if sign_date_nonce is None:
        sign_date_nonce = version == 'JDCLOUD2'
    date = date or now_date()
    nonce = str(uuid.uuid4())
    headers = {'Content-Type': 'application/json'}
    headers.update(extra or {})
    if sign_date_nonce:
        headers.update({'x-jdcloud-date': date, 'x-jdcloud-nonce': nonce})
    headers['Authorization'] = sdk_signer.authorization(
        method, url, headers, body, ak, sk, region, version, service, date=date
    )
    headers.update({'x-jdcloud-date': date, 'x-jdcloud-nonce': nonce, 'User-Agent': 'emulator-tests/1.0'})
    return headers


def flatten(params, prefix=''):
    """1-based dotted query keys, as the SDKs build them."""
    out = []
    for key, value in params.items():
        if value is None:
            continue
        name = prefix + key
        if isinstance(value, list):
            for i, item in enumerate(value, 1):
                if isinstance(item, dict):
                    out.extend(flatten(item, '%s.%d.' % (name, i)))
                else:
                    out.append(('%s.%d' % (name, i), str(item)))
        else:
            out.append((name, str(value)))
    return out


def encode_query(params):
    return '&'.join('%s=%s' % (quote(k, safe='~'), quote(v, safe='~')) for k, v in flatten(params))


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw.decode('utf-8')) if raw else None
        except ValueError:
            self.json = None

    @property
    def error(self):
        return (self.json or {}).get('error')

    @property
    def result(self):
        return (self.json or {}).get('result')

    def __repr__(self):
        return '<Response %s %r>' % (self.status, self.raw[:300])


class Client:
    """Signs and sends requests over one keep-alive http.client connection."""

    def __init__(self, url, ak, sk, version='JDCLOUD2', timeout=10):
        parts = urlsplit(url)
        self.base = url.rstrip('/')
        self.host, self.port = parts.hostname, parts.port
        self.ak, self.sk, self.version, self.timeout = ak, sk, version, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send_raw(self, method, target, body=b'', headers=None):
        """Send exactly ``target`` (path + query) and ``headers``; reconnects once if the connection was closed."""
        if isinstance(body, str):
            body = body.encode('utf-8')
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(
                method, target, body=body if (body or method not in ('GET', 'DELETE')) else None, headers=headers or {}
            )
            resp = self.conn.getresponse()
            raw = resp.read()
        except Exception:
            self.close()
            raise
        if resp.getheader('Connection', '').lower() == 'close':
            self.close()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)

    def prepare(self, method, path, region='cn-north-1', query=None, body=None, version=None, **kw):
        """Return (target, body_bytes, headers) for a signed request; ``path`` excludes '/v1'."""
        target = '/v1' + path
        qs = encode_query(query) if query else ''
        if qs:
            target += '?' + qs
        raw = json.dumps(body) if body is not None else ''
        headers = signed_headers(
            method, self.base + target, raw, self.ak, self.sk, region, version or self.version, **kw
        )
        return target, raw.encode('utf-8'), headers

    def call(self, method, path, region='cn-north-1', query=None, body=None, version=None, **kw):
        target, raw, headers = self.prepare(method, path, region, query, body, version, **kw)
        return self.send_raw(method, target, raw, headers)
