"""The messages a newcomer meets first lead to the fix: class/version, region, missing region, empty endpoint.

Every module runs for real against the emulator over HTTP."""

import socket
import threading

import pytest
from modrunner import run_module

MODULES = ('jcs_redis_instance', 'jcs_redis_info', 'jcs_redis_quota', 'jcs_redis_instance_class_info')


def create_args(emulator, **extra):
    """A create without redis_version: the API's default version applies."""
    args = emulator.instance_args('first_cache', **extra)
    if 'redis_version' not in extra:
        del args['redis_version']
    return args


def test_class_of_a_later_version_without_redis_version_names_the_default_and_the_versions(emulator):
    run = run_module('jcs_redis_instance', create_args(emulator))
    assert run.failed
    msg = run.result['msg']
    assert "Redis 2.8, the API's default version" in msg
    assert 'redis_version is not set' in msg
    assert 'it is sold for Redis 4.0, 5.0, 6.2, 7.2: set redis_version to one of them' in msg
    # the classes of the version that was used, so that a 2.8 class can be picked instead
    assert 'redis.m1.micro.basic' in msg
    assert 'createCacheInstance' not in emulator.calls()


def test_class_of_an_explicit_version_names_the_versions_that_sell_it(emulator):
    run = run_module(
        'jcs_redis_instance', create_args(emulator, instance_class='redis.m1.small.basic', redis_version='5')
    )
    assert run.failed
    msg = run.result['msg']
    assert 'for Redis 5.0 (redis_version)' in msg
    assert 'it is sold for Redis 2.8: set redis_version to 2.8' in msg
    assert 'createCacheInstance' not in emulator.calls()


def test_class_sold_for_no_version_says_so(emulator):
    # cn-east-1 sells no 2xlarge class at all
    run = run_module(
        'jcs_redis_instance',
        create_args(
            emulator,
            region='cn-east-1',
            master_az='cn-east-1a',
            slave_az='cn-east-1b',
            instance_class='redis.m.2xlarge.basic',
            redis_version='4.0',
        ),
    )
    assert run.failed
    assert 'no Redis version of the region sells it' in run.result['msg']


def test_the_documented_default_class_and_version_create(emulator):
    run = run_module(
        'jcs_redis_instance', create_args(emulator, instance_class='redis.m.small.basic', redis_version='5.0')
    )
    assert not run.failed, run.result
    assert run.result['instance']['redis_version'] == '5.0'


@pytest.mark.parametrize('zones', [('cn-north-1a', 'cn-north-1b'), ('cn-beijing-1a', 'cn-beijing-1b')])
def test_unknown_region_is_reported_before_the_zones(emulator, zones):
    run = run_module(
        'jcs_redis_instance', create_args(emulator, region='cn-beijing-1', master_az=zones[0], slave_az=zones[1])
    )
    assert run.failed
    msg = run.result['msg']
    assert 'region' in msg and 'cn-beijing-1' in msg
    assert 'master_az' not in msg and 'slave_az' not in msg
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert 'createCacheInstance' not in emulator.calls()


def test_zones_of_another_region_still_name_the_zones(emulator):
    run = run_module('jcs_redis_instance', create_args(emulator, master_az='cn-east-2a', slave_az='cn-north-1b'))
    assert run.failed
    assert run.result['msg'] == (
        "master_az must be an availability zone of region cn-north-1, such as cn-north-1a, got 'cn-east-2a'"
    )
    # one read proved the region right before the zone was blamed
    assert emulator.calls() == {'describeUserQuota': 1}


@pytest.mark.parametrize('module', MODULES)
@pytest.mark.parametrize('env', [{}, {'JDCLOUD_REGION': ''}])
def test_missing_region_names_the_option_and_the_variable(emulator, module, env):
    args = emulator.connection()
    del args['region']
    if module == 'jcs_redis_instance':
        args['name'] = 'first_cache'
    run = run_module(module, args, env=env)
    assert run.failed
    assert run.result['msg'] == 'Missing region: set region (or the environment variable JDCLOUD_REGION)'
    assert emulator.admin.stats()['total_calls'] == 0


def test_region_from_the_environment_is_used(emulator):
    args = emulator.connection()
    del args['region']
    run = run_module('jcs_redis_quota', args, env={'JDCLOUD_REGION': 'cn-south-1'})
    assert not run.failed, run.result
    assert [e['path'] for e in emulator.admin.requests()] == ['/v1/regions/cn-south-1/quota']


class ConnectRecorder:
    """A proxy that only records the target of the first CONNECT and hangs up, so a test can see
    which endpoint a module chose without reaching it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(('127.0.0.1', 0))
        self.server.listen(5)
        self.port = self.server.getsockname()[1]
        self.targets = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            with conn:
                line = conn.recv(4096).split(b'\r\n', 1)[0].decode('ascii', 'replace')
                self.targets.append(line)

    def close(self):
        self.server.close()


@pytest.mark.parametrize('variable', ['', None])
def test_empty_or_unset_endpoint_variable_means_the_jd_cloud_api(emulator, variable):
    proxy = ConnectRecorder()
    try:
        args = emulator.connection(api_retries=0, api_timeout=5)
        del args['endpoint']
        env = {'HTTPS_PROXY': f'http://127.0.0.1:{proxy.port}', 'NO_PROXY': ''}
        if variable is not None:
            env['JDCLOUD_ENDPOINT'] = variable
        run = run_module('jcs_redis_quota', args, env=env)
    finally:
        proxy.close()
    assert run.failed and run.result['error']['status'] == 'CONNECTION_ERROR', run.result
    assert proxy.targets and proxy.targets[0].startswith('CONNECT redis.jdcloud-api.com:443 '), proxy.targets


def test_empty_endpoint_option_is_refused(emulator):
    run = run_module('jcs_redis_quota', emulator.connection(endpoint=''))
    assert run.failed and 'endpoint' in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_resize_to_a_class_of_another_version_says_the_version_cannot_change(emulator):
    created = run_module(
        'jcs_redis_instance', create_args(emulator, instance_class='redis.m.small.basic', redis_version='4.0')
    )
    assert not created.failed, created.result
    run = run_module(
        'jcs_redis_instance', emulator.connection(name='first_cache', instance_class='redis.m1.medium.basic')
    )
    assert run.failed
    msg = run.result['msg']
    assert 'for Redis 4.0, the version of the instance' in msg
    assert 'it is sold for Redis 2.8, but the version of an existing instance cannot be changed' in msg
    assert 'modifyCacheInstanceClass' not in emulator.calls()
