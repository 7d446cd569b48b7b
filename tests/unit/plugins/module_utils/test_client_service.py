"""The client signs for the service it is made for (resource-tag requests for ``resourcetag``), as the
official SDK's signer does, and the resource-tag endpoint follows the Redis endpoint."""

from __future__ import annotations

import json

import pytest
import sdk_signer

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import (
    DEFAULT_TAG_ENDPOINT,
    JDCloudClient,
    JDCloudError,
    tag_endpoint_for,
)
from ansible_collections.jdcloud.cloud.tests.unit.plugins.module_utils.canned_http import CannedServer, ok

AK = 'SERVICETESTACCESSKEY00000000001'
SK = 'SERVICETESTSECRETKEY0000000000Q'


@pytest.fixture
def server():
    with CannedServer() as canned:
        yield canned


@pytest.mark.parametrize('service', ['redis', 'resourcetag'])
def test_signature_scope_names_the_service_and_the_sdk_agrees(server, service):
    server.add(ok({'data': {'failedResourcesMap': [], 'successCount': 1}}))
    client = JDCloudClient(AK, SK, endpoint=server.url, timeout=5, service=service)
    body = {'tagResources': {'resources': [{'serviceCode': 'redis', 'resourceId': ['redis-abc']}], 'tags': []}}
    client.request('POST', '/regions/cn-north-1/tags:tagResources', 'cn-north-1', body=body, idempotent=True)
    received = server.requests[0]
    assert received['path'] == '/v1/regions/cn-north-1/tags:tagResources'
    assert json.loads(received['body']) == body
    parsed = sdk_signer.verify(received['method'], received['path'], received['headers'], received['body'], {AK: SK})
    assert (parsed['service'], parsed['region'], parsed['version']) == (service, 'cn-north-1', 'JDCLOUD2')
    # and the SDK's own signature for the other service name would not match
    other = 'redis' if service == 'resourcetag' else 'resourcetag'
    headers = {k: v for k, v in received['headers'].items() if k in parsed['signed_headers'] and k != 'host'}
    resigned = sdk_signer.authorization(
        'POST', server.url + received['path'], headers, received['body'], AK, SK, 'cn-north-1', service=other
    )
    assert resigned != received['headers']['authorization']


def test_the_default_service_is_redis():
    assert JDCloudClient(AK, SK).service == 'redis'


@pytest.mark.parametrize(
    'endpoint, expected',
    [
        ('https://redis.jdcloud-api.com', DEFAULT_TAG_ENDPOINT),
        ('https://redis.jdcloud-api.com/', DEFAULT_TAG_ENDPOINT),
        ('HTTPS://REDIS.jdcloud-api.com:443', DEFAULT_TAG_ENDPOINT),
        ('http://redis.jdcloud-api.com', 'http://redis.jdcloud-api.com'),
        ('http://127.0.0.1:8765', 'http://127.0.0.1:8765'),
        ('https://proxy.example.com', 'https://proxy.example.com'),
    ],
)
def test_tag_endpoint_follows_the_redis_endpoint(endpoint, expected):
    assert tag_endpoint_for(endpoint) == expected
    assert DEFAULT_TAG_ENDPOINT == 'https://resourcetag.jdcloud-api.com'


def test_tag_endpoint_of_an_invalid_endpoint_is_refused():
    with pytest.raises(JDCloudError):
        tag_endpoint_for('ftp://example.com')
