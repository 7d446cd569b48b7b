# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Signed HTTP client for the JD Cloud OpenAPI (JCS for Redis).

FOR INTERNAL COLLECTION USE ONLY: this is a private module_utils file, its API
may change at any time without notice.

Only the standard library and ``requests`` are imported, because this file is
loaded on every module run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import random
import re
import time
import traceback
import uuid
from typing import Any, Callable
from urllib.parse import quote, unquote_plus, urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None


COLLECTION_VERSION = '1.1.0'  # galaxy.yml's version (tests/unit/test_release.py)
DEFAULT_ENDPOINT = 'https://redis.jdcloud-api.com'
USER_AGENT = 'jdcloud.cloud/%s (+ansible)' % COLLECTION_VERSION
SERVICE = 'redis'
# The resource-tag service: its own host, and its own name in the signature scope.
TAG_SERVICE = 'resourcetag'
DEFAULT_TAG_ENDPOINT = 'https://resourcetag.jdcloud-api.com'
API_VERSION = 'v1'
# The Go and Java SDKs' variant, which the official signing document describes (docs/dev/api-notes.md#signing).
SIGNING_VERSION = 'JDCLOUD2'
ENDPOINT_RULE = (
    'endpoint must be a URL like https://redis.jdcloud-api.com or http://127.0.0.1:8765 (scheme, host and port only)'
)

BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
# A Retry-After beyond this is treated as this: an Ansible task should not hang for an hour on one answer.
RETRY_AFTER_MAX = 300.0
RETRYABLE_STATUSES = frozenset((500, 502, 503, 504))
# A 429 with one of these statuses is a definitive answer (a quota is exhausted), not a throttle.
DEFINITIVE_429_STATUSES = frozenset(('QUOTA_EXCEEDED',))
HTTP_STATUS_WORDS = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    429: 'TOO_MANY_REQUESTS',
    500: 'INTERNAL',
    502: 'BAD_GATEWAY',
    503: 'UNAVAILABLE',
    504: 'GATEWAY_TIMEOUT',
}
REQUEST_ID_HEADER = 'x-jdcloud-request-id'

SHOWN_MAX = 60  # characters of a refused value that a message repeats

_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
_MULTI_SLASH = re.compile('/+')
# Never signed: authorization/user-agent as in every JD Cloud SDK; host always comes from the URL.
_UNSIGNED_HEADERS = frozenset(('authorization', 'user-agent', 'host'))


class JDCloudError(Exception):
    """Base class of everything the client raises."""

    code: int | None = None
    status: str | None = None
    request_id: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JDCloudAPIError(JDCloudError):
    """The API (or something standing in its place) answered with an error status."""

    def __init__(
        self, code: int, status: str | None, message: str, request_id: str | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.request_id = request_id
        self.details = details

    def __str__(self) -> str:
        text = 'HTTP %s' % self.code
        if self.status:
            text += ' %s' % self.status
        text += ': %s' % (self.message or 'no error message')
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        return text


class JDCloudTransportError(JDCloudError):
    """No usable answer: connection refused/reset, TLS failure, unreadable or non-API body."""


class JDCloudTimeoutError(JDCloudTransportError):
    """Connecting or waiting for the answer took longer than the timeout."""


class JDCloudOutcomeUnknownError(JDCloudError):
    """A non-idempotent request was sent but its fate is unknown; re-read the state before deciding."""

    def __init__(self, message: str, cause: JDCloudError) -> None:
        super().__init__(message)
        self.cause = cause
        self.request_id = cause.request_id


# ---------------------------------------------------------------------------------------------
# Signing (JDCLOUD2-HMAC-SHA256, docs/dev/api-notes.md#signing)
# ---------------------------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A value the user gave, as a message repeats it: a very long one is cut, so that a hostile input cannot
    bury the message (or fill a log) and the rule stays readable."""
    text = repr(value)
    if len(text) <= SHOWN_MAX:
        return text
    if isinstance(value, (list, tuple, dict)):
        return f'{text[:40]}... ({len(value)} items)'
    return f'{text[:40]}... ({len(value) if isinstance(value, str) else len(text)} characters)'


def _sha256_hex(data: str | bytes) -> str:
    if not isinstance(data, bytes):
        data = data.encode('utf-8')
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode('utf-8'), hashlib.sha256).digest()


def canonical_uri(path: str) -> str:
    """Canonical URI of a raw (as sent) request path."""
    decoded = _MULTI_SLASH.sub('/', unquote_plus(path))
    if decoded == '':
        return '/'
    encoded = quote(decoded, safe='/~')
    return encoded if encoded.startswith('/') else '/' + encoded


def canonical_query(query: str) -> str:
    """Canonical query string of a raw (as sent) query string, without the leading '?'."""
    pairs = []
    for part in query.split('&'):
        pieces = part.split('=', 1)
        # The SDK drops a part without '=' and a pair whose key is empty; the gateway signs what the SDK signs.
        if len(pieces) != 2:
            continue
        key, value = [quote(unquote_plus(piece), safe='~') for piece in pieces]
        if key:
            pairs.append((key, value))
    pairs.sort()
    return '&'.join('%s=%s' % pair for pair in pairs)


def signing_key_chain(secret_key: str, date: str, region: str, service: str) -> tuple[bytes, bytes, bytes, bytes]:
    """(kDate, kRegion, kService, kSigning) for a YYYYMMDD date; the last one signs."""
    k_date = _hmac((SIGNING_VERSION + secret_key).encode('utf-8'), date[:8])
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    k_signing = _hmac(k_service, SIGNING_VERSION.lower() + '_request')
    return k_date, k_region, k_service, k_signing


def _canonical_headers(headers: dict[str, Any], host: str) -> tuple[str, str]:
    values = {'host': host.strip()}
    for name, value in headers.items():
        lower = name.lower()
        if lower in _UNSIGNED_HEADERS:
            continue
        if isinstance(value, (list, tuple)):
            values[lower] = ','.join(str(item).strip() for item in value)
        else:
            values[lower] = str(value).strip()
    names = sorted(values)
    return ''.join('%s:%s\n' % (name, values[name]) for name in names), ';'.join(names)


def compute_signature(
    method: str,
    host: str,
    path: str,
    query: str,
    headers: dict[str, Any],
    body: str | bytes,
    access_key: str,
    secret_key: str,
    region: str,
    service: str,
    date: str,
) -> dict[str, str]:
    """Sign the pieces of a request as they go on the wire.

    host: value of the Host header as signed (hostname plus ':port' unless 80/443);
    path/query: raw path and query string; headers: the headers present before
    signing (all are signed except authorization/user-agent); date: the
    x-jdcloud-date value (YYYYMMDDTHHMMSSZ).
    Returns a dict with authorization, signed_headers, payload_hash,
    credential_scope, canonical_request and string_to_sign (never the key).
    """
    algorithm = SIGNING_VERSION + '-HMAC-SHA256'
    canon_headers, signed_headers = _canonical_headers(headers, host)
    payload_hash = _sha256_hex(body or b'')
    canonical_request = '\n'.join(
        (method, canonical_uri(path), canonical_query(query or ''), canon_headers, signed_headers, payload_hash)
    )
    scope = '/'.join((date[:8], region, service, SIGNING_VERSION.lower() + '_request'))
    string_to_sign = '\n'.join((algorithm, date, scope, _sha256_hex(canonical_request)))
    key = signing_key_chain(secret_key, date, region, service)[-1]
    signature = hmac.new(key, string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    authorization = '%s Credential=%s/%s, SignedHeaders=%s, Signature=%s' % (
        algorithm,
        access_key,
        scope,
        signed_headers,
        signature,
    )
    return {
        'authorization': authorization,
        'signed_headers': signed_headers,
        'payload_hash': payload_hash,
        'credential_scope': scope,
        'canonical_request': canonical_request,
        'string_to_sign': string_to_sign,
    }


def signing_host(url: str) -> str:
    """Host as signed: lower-case hostname, plus ':port' unless the port is 80 or 443."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError('URL has no host')
    host = parts.hostname
    if ':' in host:
        host = '[%s]' % host
    port = parts.port
    if port and port not in (80, 443):
        host += ':%d' % port
    return host


def tag_endpoint_for(endpoint: str) -> str:
    """The resource-tag endpoint that goes with a Redis ``endpoint``: JD Cloud's own for JD Cloud's Redis
    endpoint, otherwise the same origin (an emulator or a proxy serves both, by path)."""
    origin, host = parse_endpoint(endpoint)
    default_origin, default_host = parse_endpoint(DEFAULT_ENDPOINT)
    # compared as signed, so that an explicit :443 is still JD Cloud's endpoint
    if (origin.split(':', 1)[0], host) == (default_origin.split(':', 1)[0], default_host):
        return DEFAULT_TAG_ENDPOINT
    return origin


def parse_endpoint(endpoint: str) -> tuple[str, str]:
    """``(origin, signing host)`` of an endpoint URL: http(s), a host and an optional port, nothing else.

    Raises JDCloudError with ENDPOINT_RULE; the endpoint is not echoed when it holds user info,
    which may be a password.
    """
    try:
        parts = urlsplit(endpoint.rstrip('/'))
        port = parts.port  # parsed lazily: ValueError for a port that is not a number or out of range
        valid = (
            parts.scheme in ('http', 'https')
            and bool(parts.hostname)
            and port != 0
            and not (parts.path or parts.query or parts.fragment or '@' in parts.netloc)
        )
    except ValueError:
        valid = False
    if not valid:
        raise JDCloudError(ENDPOINT_RULE + ('' if '@' in endpoint else ', got ' + shown(endpoint)))
    hostname = parts.hostname
    if ':' in hostname:
        hostname = '[%s]' % hostname
    origin = '%s://%s' % (parts.scheme, hostname if port is None else '%s:%d' % (hostname, port))
    return origin, signing_host(origin)


# ---------------------------------------------------------------------------------------------
# Query strings
# ---------------------------------------------------------------------------------------------


def flatten_query(query: dict[str, Any] | None) -> list[tuple[str, str]]:
    """[(key, value)] with 1-based dotted keys for lists and nested dicts; None skipped."""
    pairs = []

    def add(key, value):
        if value is None:
            return
        if isinstance(value, dict):
            for sub_key, sub_value in value.items():
                add('%s.%s' % (key, sub_key), sub_value)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value, 1):
                add('%s.%d' % (key, index), item)
        elif isinstance(value, bool):
            pairs.append((key, 'true' if value else 'false'))
        else:
            pairs.append((key, str(value)))

    for top_key, top_value in (query or {}).items():
        add(str(top_key), top_value)
    return pairs


def encode_query(query: dict[str, Any] | None) -> str:
    """Query string (no '?') for a query dict, already in canonical form.

    Every byte outside the RFC 3986 unreserved set is percent-encoded and the
    pairs are sorted, so the string on the wire is exactly its own canonical
    query: a gateway that re-canonicalises it and one that signs the raw query
    (as the Go SDK does) agree.
    """
    pairs = sorted((quote(key, safe='~'), quote(value, safe='~')) for key, value in flatten_query(query))
    return '&'.join('%s=%s' % pair for pair in pairs)


# ---------------------------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------------------------


def _exception_chain(exc):
    """exc and the errors it wraps (urllib3 keeps them in .reason or args, Python in __cause__)."""
    seen = []
    while isinstance(exc, BaseException) and exc not in seen:
        seen.append(exc)
        nested = getattr(exc, 'reason', None)
        if not isinstance(nested, BaseException):
            nested = next((arg for arg in exc.args if isinstance(arg, BaseException)), None)
        exc = nested if nested is not None else (exc.__cause__ or exc.__context__)
    return seen


def _is_connect_failure(exc):
    # requests wraps urllib3's errors; a NewConnectionError (refused, DNS failure) or a connect
    # timeout means not one byte of the request left this host, so resending cannot duplicate it.
    # urllib3's classes are matched by name: only requests is a declared dependency of this file.
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    for item in _exception_chain(exc):
        names = [cls.__name__ for cls in type(item).__mro__]
        if 'NewConnectionError' in names or 'ConnectTimeoutError' in names or isinstance(item, ConnectionRefusedError):
            return True
    return False


def _describe(exc):
    """Short text for a transport exception: the innermost OS-level reason when there is one."""
    chain = _exception_chain(exc)
    for item in reversed(chain):
        # requests' own exceptions derive from OSError too, but only wrap the real reason.
        if (
            isinstance(item, OSError)
            and not isinstance(item, requests.exceptions.RequestException)
            and (item.strerror or item.args)
        ):
            return item.strerror or str(item)
    text = str(chain[-1]) or type(chain[-1]).__name__
    return text if len(text) <= 300 else text[:297] + '...'


def _retry_after(headers):
    value = headers.get('Retry-After')
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None  # the HTTP-date form is not honoured; plain backoff applies
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


class _Outcome:
    """What one HTTP attempt produced: a result, or an error that may be retried."""

    def __init__(self, result=None, error=None, retry=False, retry_after=None):
        self.result = result
        self.error = error
        self.retry = retry
        self.retry_after = retry_after


class JDCloudClient:
    """Signed JD Cloud API client with one keep-alive session, retries and typed errors.

    Retry policy (inside request() only): a 429 other than QUOTA_EXCEEDED and a
    connect failure (nothing was sent) are retried for every method; 500/502/
    503/504, read timeouts and connections lost after sending are retried only
    for idempotent requests, otherwise JDCloudOutcomeUnknownError is raised.
    At most ``retries`` retries, capped exponential backoff with full jitter
    (BACKOFF_BASE, BACKOFF_CAP), at least the Retry-After seconds.
    """

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: float = 30,
        retries: int = 5,
        validate_certs: bool = True,
        ca_path: str | None = None,
        max_pool: int = 10,
        service: str = SERVICE,
    ) -> None:
        """Raises JDCloudError when requests is missing, a key is empty or the endpoint is not
        valid (see parse_endpoint). ``service`` is the name the signature scope carries."""
        if not HAS_REQUESTS:
            raise JDCloudError('the Python library "requests" is required to talk to the JD Cloud API')
        if not access_key or not secret_key:
            raise JDCloudError('both an access key and a secret key are required')
        self.access_key = access_key
        self._secret_key = secret_key
        self.service = service
        self.endpoint, self._host = parse_endpoint(endpoint)
        self.timeout = float(timeout)
        self.retries = max(int(retries), 0)
        self.verify = ca_path or bool(validate_certs)
        # Injectable for tests: delays can be recorded instead of slept, jitter made predictable.
        self.sleep: Callable[[float], None] = time.sleep
        self.random: Callable[[], float] = random.random
        self._session = requests.Session()
        self._proxies = None
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=int(max_pool), max_retries=0)
        self._session.mount('https://', adapter)
        self._session.mount('http://', adapter)

    def __repr__(self) -> str:
        return '%s(endpoint=%r, access_key=%r)' % (type(self).__name__, self.endpoint, self.access_key[:4] + '...')

    def __enter__(self) -> JDCloudClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def _backoff(self, retry_index: int, retry_after: float | None) -> float:
        delay = self.random() * min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(retry_index, 32))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def request(
        self,
        method: str,
        path: str,
        region: str,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Call the API and return the ``result`` object of the answer ({} when absent).

        path: e.g. '/regions/cn-north-1/cacheInstance' (the client prefixes '/v1');
        region: the region of the signature scope; query: dict flattened with
        1-based dotted keys; body: dict sent as JSON; idempotent defaults to
        method == 'GET' and decides whether 5xx answers, read timeouts and
        dropped connections may be retried.
        Raises JDCloudAPIError, JDCloudTransportError (JDCloudTimeoutError),
        JDCloudOutcomeUnknownError or JDCloudError.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method == 'GET'
        wire_path = '/' + API_VERSION + quote(path, safe='/:')
        query_string = encode_query(query) if query else ''
        url = self.endpoint + wire_path + ('?' + query_string if query_string else '')
        payload = '' if body is None else json.dumps(body)
        if self._proxies is None:
            # the proxies of the environment for this client's one host, worked out once: requests walks the whole
            # environment twice per call for them, a fifth of the processor time of a read
            self._proxies = self._session.merge_environment_settings(url, {}, None, None, None).get('proxies') or {}
        proxies = self._proxies

        retry_index = 0
        while True:
            outcome = self._attempt(method, url, wire_path, query_string, region, payload, idempotent, proxies)
            if outcome.error is None:
                return outcome.result
            if not outcome.retry or retry_index >= self.retries:
                raise outcome.error
            self.sleep(self._backoff(retry_index, outcome.retry_after))
            retry_index += 1

    def _signed_headers(self, method, wire_path, query_string, region, payload):
        date = time.strftime(_DATE_FORMAT, time.gmtime())
        headers = {
            'Content-Type': 'application/json',
            'x-jdcloud-date': date,
            'x-jdcloud-nonce': str(uuid.uuid4()),
        }
        signature = compute_signature(
            method,
            self._host,
            wire_path,
            query_string,
            headers,
            payload,
            self.access_key,
            self._secret_key,
            region,
            self.service,
            date,
        )
        headers['Authorization'] = signature['authorization']
        headers['x-jdcloud-content-sha256'] = signature['payload_hash']
        headers['User-Agent'] = USER_AGENT
        headers['Accept'] = 'application/json'
        return headers

    def _attempt(self, method, url, wire_path, query_string, region, payload, idempotent, proxies):
        # A fresh date and nonce per attempt: a resent nonce could be refused as a replay.
        headers = self._signed_headers(method, wire_path, query_string, region, payload)
        try:
            prepared = requests.Request(
                method, url, headers=headers, data=payload.encode('utf-8') if payload else None
            ).prepare()
        except (ValueError, UnicodeError) as exc:
            # Nothing was sent and repeating cannot help: a header or URL that cannot go on the wire.
            raise JDCloudError('the request cannot be sent: %s' % _describe(exc)) from None
        # requests may re-quote a URL; the signature covers these exact bytes.
        prepared.url = url

        failure = None
        try:
            response = self._session.send(
                prepared, stream=True, timeout=self.timeout, verify=self.verify, allow_redirects=False, proxies=proxies
            )
        except Exception as exc:  # pylint: disable=broad-except
            failure = self._send_failure(exc, idempotent)
        if failure is not None:
            return failure

        raw, read_problem = None, None
        try:
            raw = response.content
        except Exception as exc:  # pylint: disable=broad-except
            read_problem = 'the response body could not be read completely (%s)' % _describe(exc)
        finally:
            response.close()
        return self._interpret(response.status_code, response.reason, response.headers, raw, read_problem, idempotent)

    def _send_failure(self, exc, idempotent):
        if isinstance(exc, requests.exceptions.SSLError):
            # Certificate and handshake failures do not heal by retrying.
            return _Outcome(error=JDCloudTransportError('TLS error talking to %s: %s' % (self._host, _describe(exc))))
        if _is_connect_failure(exc):
            if isinstance(exc, requests.exceptions.ConnectTimeout):
                error = JDCloudTimeoutError('connecting to %s timed out after %.1f s' % (self._host, self.timeout))
            else:
                error = JDCloudTransportError('cannot connect to %s: %s' % (self._host, _describe(exc)))
            return _Outcome(error=error, retry=True)
        if isinstance(exc, requests.exceptions.ReadTimeout):
            error = JDCloudTimeoutError('no answer from %s within %.1f s' % (self._host, self.timeout))
        elif isinstance(exc, requests.exceptions.RequestException):
            error = JDCloudTransportError(
                'connection to %s failed after the request was sent: %s' % (self._host, _describe(exc))
            )
        else:
            error = JDCloudTransportError(
                'request to %s failed: %s: %s' % (self._host, type(exc).__name__, _describe(exc))
            )
        return self._sent_but_lost(error, idempotent)

    @staticmethod
    def _sent_but_lost(error, idempotent):
        if idempotent:
            return _Outcome(error=error, retry=True)
        return _Outcome(
            error=JDCloudOutcomeUnknownError(
                'the request was sent but its outcome is unknown (%s); it may or may not have been applied'
                % error.message,
                cause=error,
            )
        )

    def _interpret(self, status, reason, headers, raw, read_problem, idempotent):
        payload, problem = None, read_problem
        if problem is None:
            payload, problem = self._parse_body(raw, headers)
        request_id = (payload.get('requestId') if payload else None) or headers.get(REQUEST_ID_HEADER)
        error_body = payload.get('error') if payload else None

        if isinstance(error_body, dict) or status >= 300:
            error = self._api_error(status, reason, headers, error_body, request_id, problem)
            if status == 429 and error.status not in DEFINITIVE_429_STATUSES:
                # A throttled request was refused before being applied: safe to resend whatever the method.
                return _Outcome(error=error, retry=True, retry_after=_retry_after(headers))
            if status in RETRYABLE_STATUSES:
                if idempotent:
                    return _Outcome(error=error, retry=True, retry_after=_retry_after(headers))
                return _Outcome(
                    error=JDCloudOutcomeUnknownError(
                        'the API answered HTTP %d to a request that may or may not have been applied: %s'
                        % (status, error.message),
                        cause=error,
                    )
                )
            return _Outcome(error=error)

        if problem is None and not request_id:
            problem = 'the answer has no requestId, so it does not come from the JD Cloud API (check the endpoint)'
        if problem is not None:
            error = JDCloudTransportError('unusable HTTP %d answer from %s: %s' % (status, self._host, problem))
            if read_problem is not None or not idempotent:
                # A cut-off body is transient (retry if safe); for a write a 2xx means it may have been applied.
                return self._sent_but_lost(error, idempotent)
            return _Outcome(error=error)
        result = payload.get('result') if payload else None
        return _Outcome(result={} if result is None else result)

    @staticmethod
    def _parse_body(raw, headers):
        if not raw:
            return None, 'the response body is empty'
        try:
            payload = json.loads(raw.decode('utf-8'))
        except ValueError:
            return None, 'the response body is not JSON (%s, %d bytes)' % (
                headers.get('Content-Type') or 'no content type',
                len(raw),
            )
        if not isinstance(payload, dict):
            return None, 'the response body is not a JSON object'
        return payload, None

    def _api_error(self, status, reason, headers, error_body, request_id, problem):
        if isinstance(error_body, dict):
            code = error_body.get('code')
            if status >= 400 or not isinstance(code, int):
                code = status
            message = error_body.get('message')
            return JDCloudAPIError(
                code,
                error_body.get('status') or None,
                '' if message is None else str(message),
                request_id,
                error_body.get('details'),
            )
        if 300 <= status < 400:
            message = 'unexpected redirect to %s (check the endpoint)' % (headers.get('Location') or 'nowhere')
        elif problem is not None:
            message = '%s %s' % (reason or 'error', '(%s)' % problem)
        else:
            message = '%s (the body has no JD Cloud error object)' % (reason or 'error')
        # A gateway's own page (an HTML 502, say) has no status word: name one after the HTTP code so
        # that every error a user sees has an error.status to act on.
        return JDCloudAPIError(status, HTTP_STATUS_WORDS.get(status, 'HTTP_%d' % status), message, request_id)
