# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tests' signing oracle: the official jdcloud-sdk's own signer, shared by no product code.

jdcloud-sdk 1.6.x signs JDCLOUD3 only. JDCLOUD2, which the collection sends, differs in three
constants (key seed, scope terminator, algorithm name; docs/dev/api-notes.md#signing), so it comes
from the same SDK code with those constants swapped. Vectors V6 and V7, made with the SDK's own
JDCLOUD2 signer (jdcloud-sdk 1.1.6), check the swap in test_client_signing.py.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import threading

from jdcloud_sdk.core import const
from jdcloud_sdk.core.credential import Credential
from jdcloud_sdk.core.logger import Logger
from jdcloud_sdk.core.signer import Signer

VERSIONS = ('JDCLOUD2', 'JDCLOUD3')
# Re-entrant: a test may sign inside a variant() it holds open.
_SWAP_LOCK = threading.RLock()
_AUTHORIZATION = re.compile(
    r'(JDCLOUD[23])-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/(jdcloud[23])_request, '
    r'SignedHeaders=([^,]+), Signature=([0-9a-f]{64})\Z'
)


@contextlib.contextmanager
def variant(version):
    """While open, jdcloud-sdk's Signer signs ``version`` (JDCLOUD2 or JDCLOUD3)."""
    if version not in VERSIONS:
        raise ValueError('unknown signing version %r' % version)
    with _SWAP_LOCK:
        saved = (const.JDCLOUD3, const.JDCLOUD3_REQUEST, const.JDCLOUD3_ALGORITHM)
        const.JDCLOUD3 = version
        const.JDCLOUD3_REQUEST = version.lower() + '_request'
        const.JDCLOUD3_ALGORITHM = version + '-HMAC-SHA256'
        try:
            yield
        finally:
            const.JDCLOUD3, const.JDCLOUD3_REQUEST, const.JDCLOUD3_ALGORITHM = saved


def _signer(date):
    if date is None:
        return Signer(Logger(0))

    class FrozenClock(Signer):
        def _Signer__now(self):
            return datetime.datetime.strptime(date, '%Y%m%dT%H%M%SZ')

    return FrozenClock(Logger(0))


def authorization(
    method, url, headers, body, access_key, secret_key, region, version='JDCLOUD2', service='redis', date=None
):
    """The Authorization value the SDK computes for a request to ``url``.

    headers: those present before signing; the SDK signs all of them except authorization and
    user-agent, and takes the date and nonce from x-jdcloud-date / x-jdcloud-nonce when present;
    date (YYYYMMDDTHHMMSSZ) stands for the clock when x-jdcloud-date is absent.
    """
    signed = dict(headers)
    with variant(version):
        _signer(date).sign(method, service, region, url, signed, _text(body), Credential(access_key, secret_key), '')
    return signed['Authorization']


def authorization_parts(
    method, host, path, query, headers, body, access_key, secret_key, region, version='JDCLOUD2', service='redis'
):
    """The same from the pieces of a request (the host as signed, the raw path and query)."""
    signed = dict(headers)
    with variant(version):
        _signer(None).signV3(
            method, service, region, host, path, query, signed, _text(body), Credential(access_key, secret_key), ''
        )
    return signed['Authorization']


class _RawBody(str):
    """A body the SDK hashes as the bytes that were sent, even when they are not UTF-8 (it only
    ever calls ``data.encode('utf-8')``)."""

    def __new__(cls, raw):
        text = super().__new__(cls, raw.decode('utf-8', 'replace'))
        text.raw = raw
        return text

    def encode(self, *args, **kwargs):
        return self.raw


def _text(body):
    return _RawBody(body) if isinstance(body, bytes) else body


def verify(method, target, headers, body, secret_keys):
    """Check a received request's Authorization with the SDK, as a gateway would.

    target: the raw path and query; headers: the received headers (any case), with Host;
    secret_keys: {access_key: secret_key}. Re-signs the headers that SignedHeaders lists and compares.
    Returns the fields of the Authorization; raises AssertionError on a mismatch.
    """
    received = {name.lower(): value for name, value in headers.items()}
    match = _AUTHORIZATION.match(received.get('authorization', ''))
    assert match, 'malformed Authorization: %r' % received.get('authorization')
    version, access_key, day, region, service, terminator, names, dummy = match.groups()
    assert terminator == version.lower(), 'algorithm and scope terminator differ'
    assert access_key in secret_keys, 'unknown access key'
    names = names.split(';')
    # The SDK takes the scope date from x-jdcloud-date only when it signs that header.
    assert 'host' in names and 'x-jdcloud-date' in names, names
    date = received['x-jdcloud-date']
    assert date[:8] == day
    to_sign = {name: received[name] for name in names if name != 'host'}
    url = 'http://' + received['host'] + target
    expected = authorization(method, url, to_sign, body, access_key, secret_keys[access_key], region, version, service)
    assert expected == received['authorization'], 'signature mismatch'
    return {
        'version': version,
        'access_key': access_key,
        'region': region,
        'service': service,
        'signed_headers': names,
        'date': date,
    }
