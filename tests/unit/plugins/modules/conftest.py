"""Fixtures for module tests: a client we did not write, to act behind the modules' back."""

from __future__ import annotations

import pytest


class SDKClient:
    """Creates instances with the official jdcloud-sdk, e.g. to make a second
    instance with a name the module already manages."""

    def __init__(self, emulator):
        from jdcloud_sdk.core.config import Config
        from jdcloud_sdk.core.credential import Credential
        from jdcloud_sdk.core.logger import Logger
        from jdcloud_sdk.services.redis.client.RedisClient import RedisClient

        endpoint = emulator.url.split('://', 1)[1]
        self.client = RedisClient(
            Credential(emulator.access_key, emulator.secret_key), Config(endpoint=endpoint, scheme='http'), Logger(0)
        )

    def create(self, name, region='cn-north-1', instance_class='redis.m.micro.basic', redis_version='4.0'):
        from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import CreateCacheInstanceRequest

        response = self.client.send(
            CreateCacheInstanceRequest(
                {
                    'regionId': region,
                    'cacheInstance': {
                        'vpcId': 'vpc-test0001',
                        'subnetId': 'subnet-test0001',
                        'cacheInstanceName': name,
                        'cacheInstanceClass': instance_class,
                        'redisVersion': redis_version,
                        'password': 'Sdk1Password',
                        'azId': {'master': region + 'a', 'slave': region + 'b'},
                    },
                }
            )
        )
        if response.error is not None:
            raise AssertionError(f'SDK create failed: {response.error.status} {response.error.message}')
        return response.result['cacheInstanceId']


@pytest.fixture
def sdk_client(emulator):
    return SDKClient(emulator)
