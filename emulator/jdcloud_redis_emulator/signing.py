"""Verification of JD Cloud request signatures, JDCLOUD2-HMAC-SHA256 and JDCLOUD3-HMAC-SHA256.

The canonical request is rebuilt exactly as the official SDK builds it (docs/dev/api-notes.md#signing) from
the headers the client names in ``SignedHeaders``; the checks follow the same page.
Every failure is reported to the caller as the same 401 ``ACCESS_ERROR``; the internal
reason is kept for the emulator's request log so users can see *why* they were refused.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from urllib.parse import quote, unquote_plus

_AUTH_RE = re.compile(
    r'^(JDCLOUD[23])-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/(jdcloud[23]_request), '
    r'SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$'
)
_DATE_RE = re.compile(r'^\d{8}T\d{6}Z$')
_HEADER_NAME_RE = re.compile(r'^[a-z0-9!#$%&\'*+.^_`|~-]+$')


class SignatureError(Exception):
    """Why a request was refused; never contains secrets."""


def canonical_uri(raw_path: str) -> str:
    path = re.sub('/+', '/', unquote_plus(raw_path))
    if path == '':
        return '/'
    path = quote(path, safe='/~')
    return path if path.startswith('/') else '/' + path


def canonical_query(raw_query: str) -> str:
    pairs = []
    for part in raw_query.split('&'):
        if not part:
            continue
        pairs.append([quote(unquote_plus(piece), safe='~') for piece in part.split('=', 1)])
    # The SDK drops pairs with an empty key and parts that had no '=' at all.
    return '&'.join('%s=%s' % (p[0], p[1]) for p in sorted(pairs) if p[0] != '' and len(p) == 2)


def payload_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode('utf-8'), hashlib.sha256).digest()


def signing_key(version: str, secret_key: str, date: str, region: str, service: str) -> bytes:
    key = _hmac((version + secret_key).encode('utf-8'), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, version.lower() + '_request')


def _normalise_host(host: str) -> str:
    # The SDK signs host without :80/:443 whatever the scheme; HTTP clients may still send them.
    host = host.strip()
    for suffix in (':80', ':443'):
        if host.endswith(suffix):
            return host[: -len(suffix)]
    return host


def parse_date(value: str) -> float:
    if not _DATE_RE.match(value):
        raise SignatureError('x-jdcloud-date is not YYYYMMDDTHHMMSSZ')
    try:
        return float(calendar.timegm(time.strptime(value, '%Y%m%dT%H%M%SZ')))
    except ValueError:
        raise SignatureError('x-jdcloud-date is not a valid date') from None


def verify(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: dict,
    body: bytes,
    credentials: dict,
    expected_region: str = None,
    expected_service: str = 'redis',
    skew_seconds=900,
    now: float = None,
) -> str:
    """Check one request and return the access key that signed it.

    ``headers`` maps lower-case header names to the list of values received.
    ``skew_seconds`` of 0 or None disables the clock check.  Raises SignatureError.
    """
    auth = headers.get('authorization')
    if not auth:
        raise SignatureError('missing Authorization header')
    if len(auth) != 1:
        raise SignatureError('more than one Authorization header')
    match = _AUTH_RE.match(auth[0].strip())
    if not match:
        raise SignatureError('malformed Authorization header')
    version, access_key, scope_date, region, service, terminator, signed_headers, signature = match.groups()
    if terminator != version.lower() + '_request':
        raise SignatureError('algorithm and scope terminator disagree')
    secret_key = credentials.get(access_key)
    if secret_key is None:
        raise SignatureError('unknown access key')
    if expected_service is not None and service != expected_service:
        raise SignatureError('scope service is not %s' % expected_service)
    if expected_region is not None and region != expected_region:
        raise SignatureError('scope region differs from the region in the path')

    dates = headers.get('x-jdcloud-date')
    if not dates:
        raise SignatureError('missing x-jdcloud-date header')
    jd_date = dates[0].strip()
    signed_at = parse_date(jd_date)
    if jd_date[:8] != scope_date:
        raise SignatureError('scope date differs from x-jdcloud-date')
    if skew_seconds:
        current = time.time() if now is None else now
        if abs(current - signed_at) > skew_seconds:
            raise SignatureError('x-jdcloud-date is outside the allowed clock skew')

    names = signed_headers.split(';')
    if 'host' not in names:
        raise SignatureError('SignedHeaders does not contain host')
    if len(set(names)) != len(names) or not all(_HEADER_NAME_RE.match(n) for n in names):
        raise SignatureError('malformed SignedHeaders')
    lines = []
    for name in names:
        values = headers.get(name)
        if not values:
            raise SignatureError('signed header %s is missing' % name)
        value = _normalise_host(values[0]) if name == 'host' else ','.join(v.strip() for v in values)
        lines.append('%s:%s\n' % (name, value))

    canonical_request = '\n'.join(
        [
            method,
            canonical_uri(raw_path),
            canonical_query(raw_query),
            ''.join(lines),
            signed_headers,
            payload_hash(body),
        ]
    )
    scope = '/'.join([scope_date, region, service, terminator])
    string_to_sign = '\n'.join(
        [version + '-HMAC-SHA256', jd_date, scope, hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()]
    )
    expected = hmac.new(
        signing_key(version, secret_key, scope_date, region, service), string_to_sign.encode('utf-8'), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise SignatureError('signature mismatch')
    return access_key
