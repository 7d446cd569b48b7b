"""Fidelity: the resource-tag service (TagResources, UnTagResources) through the official jdcloud-sdk
ResourcetagClient, which signs for the service ``resourcetag``, and tags read back and filtered through
its RedisClient."""

from __future__ import annotations

import pytest
import sdk_signer
from jdcloud_sdk.core.config import Config
from jdcloud_sdk.core.credential import Credential
from jdcloud_sdk.core.logger import Logger
from jdcloud_sdk.services.common.models.TagFilter import TagFilter
from jdcloud_sdk.services.redis.apis.DescribeCacheInstanceRequest import (
    DescribeCacheInstanceParameters,
    DescribeCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeCacheInstancesRequest import (
    DescribeCacheInstancesParameters,
    DescribeCacheInstancesRequest,
)
from jdcloud_sdk.services.redis.client.RedisClient import RedisClient
from jdcloud_sdk.services.resourcetag.apis.TagResourcesRequest import TagResourcesParameters, TagResourcesRequest
from jdcloud_sdk.services.resourcetag.apis.UnTagResourcesRequest import (
    UnTagResourcesParameters,
    UnTagResourcesRequest,
)
from jdcloud_sdk.services.resourcetag.client.ResourcetagClient import ResourcetagClient
from jdcloud_sdk.services.resourcetag.models.ResourcesMap import ResourcesMap
from jdcloud_sdk.services.resourcetag.models.Tag import Tag
from jdcloud_sdk.services.resourcetag.models.TagResourcesReqVo import TagResourcesReqVo
from jdcloud_sdk.services.resourcetag.models.UnTagResourcesReqVo import UnTagResourcesReqVo

REGION = 'cn-north-1'


def config(emulator):
    return Config(endpoint='%s:%d' % (emulator.host, emulator.port), scheme='http', timeout=10)


@pytest.fixture(params=['JDCLOUD3', 'JDCLOUD2'])
def variant(request):
    with sdk_signer.variant(request.param):
        yield request.param


@pytest.fixture
def tagging(emulator):
    return ResourcetagClient(Credential(emulator.access_key, emulator.secret_key), config(emulator), Logger(0))


@pytest.fixture
def redis(emulator):
    return RedisClient(Credential(emulator.access_key, emulator.secret_key), config(emulator), Logger(0))


@pytest.fixture
def instance_id(emulator):
    return emulator.admin.seed(1)[0]


def tag(client, ids, tags, service_code='redis'):
    request = TagResourcesReqVo([ResourcesMap(service_code, list(ids))], [Tag(k, v) for k, v in tags.items()])
    return client.send(TagResourcesRequest(TagResourcesParameters(REGION, request)))


def untag(client, ids, tags):
    request = UnTagResourcesReqVo([ResourcesMap('redis', list(ids))], [Tag(k, v) for k, v in tags.items()])
    return client.send(UnTagResourcesRequest(UnTagResourcesParameters(REGION, request)))


def tags_of(redis, instance_id):
    resp = redis.send(DescribeCacheInstanceRequest(DescribeCacheInstanceParameters(REGION, instance_id)))
    assert resp.error is None, vars(resp.error)
    return {t['key']: t['value'] for t in resp.result['cacheInstance']['tags'] or ()}


def test_tag_and_untag_with_the_resourcetag_client(variant, tagging, redis, emulator, instance_id):
    resp = tag(tagging, [instance_id], {'team': 'payments', 'env': 'prod'})
    assert resp.error is None, vars(resp.error)
    assert resp.result['data']['failedResourcesMap'] == [] and resp.result['data']['successCount'] == 2
    assert tags_of(redis, instance_id) == {'team': 'payments', 'env': 'prod'}

    assert tag(tagging, [instance_id], {'env': 'staging'}).error is None
    assert tags_of(redis, instance_id) == {'team': 'payments', 'env': 'staging'}

    # unbinding takes key and value; a tag the instance does not have with that value stays
    resp = untag(tagging, [instance_id], {'team': 'payments', 'env': 'prod'})
    assert resp.error is None and resp.result['data']['failedResourcesMap'] == []
    assert tags_of(redis, instance_id) == {'env': 'staging'}
    assert emulator.calls() == {'tagResources': 2, 'unTagResources': 1, 'describeCacheInstance': 3}

    listed = DescribeCacheInstancesParameters(REGION)
    listed.setTagFilters([TagFilter('env', ['staging'])])
    result = redis.send(DescribeCacheInstancesRequest(listed)).result
    assert [i['cacheInstanceId'] for i in result['cacheInstances']] == [instance_id]
    listed.setTagFilters([TagFilter('env', ['prod'])])
    assert redis.send(DescribeCacheInstancesRequest(listed)).result['totalCount'] == 0


def test_each_service_is_signed_for_its_own_name(tagging, redis, emulator, instance_id):
    # the Redis client signs for "redis": the tag service refuses it, and the other way round
    refused = redis.send(
        TagResourcesRequest(
            TagResourcesParameters(REGION, TagResourcesReqVo([ResourcesMap('redis', [instance_id])], [Tag('a', 'b')]))
        )
    )
    assert (refused.error.code, refused.error.status) == (401, 'ACCESS_ERROR')
    refused = tagging.send(DescribeCacheInstanceRequest(DescribeCacheInstanceParameters(REGION, instance_id)))
    assert (refused.error.code, refused.error.status) == (401, 'ACCESS_ERROR')
    details = [entry.get('detail') for entry in emulator.admin.requests()]
    assert details == ['scope service is not resourcetag', 'scope service is not redis']
    assert tags_of(redis, instance_id) == {}


def test_failed_resources_come_in_a_200_answer(tagging, redis, emulator, instance_id):
    resp = tag(tagging, [instance_id, 'redis-missing00001'], {'team': 'payments'})
    assert resp.error is None
    data = resp.result['data']
    assert data['successCount'] == 1
    assert data['failedResourcesMap'] == [
        {'resourceId': 'redis-missing00001', 'msg': 'resource redis-missing00001 not found in cn-north-1'}
    ]

    resp = tag(tagging, [instance_id], {'k%02d' % n: 'v' for n in range(10)})
    assert resp.result['data']['failedResourcesMap'][0]['msg'] == 'a resource has at most 10 tags, 11 requested'
    assert tags_of(redis, instance_id) == {'team': 'payments'}

    emulator.admin.tag_failure(instance_id, 'resource is locked')
    resp = untag(tagging, [instance_id], {'team': 'payments'})
    assert resp.result['data'] == dict(
        pin='emulator',
        region=REGION,
        failedResourcesMap=[{'resourceId': instance_id, 'msg': 'resource is locked'}],
        successCount=0,
    )
    assert tags_of(redis, instance_id) == {'team': 'payments'}


@pytest.mark.parametrize(
    'tags, message',
    [
        ({'': 'v'}, 'tagResources.tags[0].key must be 1 to 127 characters'),
        ({'k' * 128: 'v'}, 'tagResources.tags[0].key must be 1 to 127 characters'),
        ({'jdc-owner': 'v'}, 'must not start with jrn: or jdc-'),
        ({'k': 'v' * 256}, 'tagResources.tags[0].value must be a string of at most 255 characters'),
    ],
)
def test_tag_rules_are_refused(tagging, emulator, instance_id, tags, message):
    resp = tag(tagging, [instance_id], tags)
    assert (resp.error.code, resp.error.status) == (400, 'INVALID_ARGUMENT')
    assert message in resp.error.message


def test_unknown_product_line_is_refused(tagging, instance_id):
    resp = tag(tagging, [instance_id], {'a': 'b'}, service_code='nosuch')
    assert resp.error.status == 'INVALID_ARGUMENT' and 'serviceCode' in resp.error.message


@pytest.mark.parametrize(
    'tags, message',
    [
        ([Tag('jdc-owner', 'v')], 'userTags[0].key must be 1 to 127 characters, not starting with jrn: or jdc-'),
        ([Tag('k', 'v' * 256)], 'userTags[0].value must be at most 255 characters'),
        ([Tag('k%02d' % n, 'v') for n in range(11)], 'userTags: a resource has at most 10 tags'),
    ],
)
def test_user_tags_at_create_follow_the_tag_rules(redis, emulator, tags, message):
    from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import (
        CreateCacheInstanceParameters,
        CreateCacheInstanceRequest,
    )
    from jdcloud_sdk.services.redis.models.AzIdSpec import AzIdSpec
    from jdcloud_sdk.services.redis.models.CacheInstanceSpec import CacheInstanceSpec

    spec = CacheInstanceSpec(
        'vpc-aaaa1111',
        'subnet-bbbb2222',
        'tagged',
        'redis.m.micro.basic',
        AzIdSpec(master='cn-north-1a', slave='cn-north-1b'),
        password='Passw0rd1234',
        redisVersion='4.0',
        userTags=[dict(key=t.key, value=t.value) for t in tags],
    )
    resp = redis.send(CreateCacheInstanceRequest(CreateCacheInstanceParameters(REGION, spec)))
    assert resp.error is not None and resp.error.status == 'INVALID_ARGUMENT'
    assert message in resp.error.message
    assert emulator.instances() == {}
