# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The jcs_redis inventory plugin run by ``ansible-inventory`` against the emulator over HTTP.

Instances with distinct attributes are created through the official JD Cloud SDK (an
implementation independent of ours); bulk instances come from the emulator's admin seed.

``ansible-inventory`` runs in the test's process (``inventory()``, tests/invrunner.py): ansible-core's own
InventoryCLI with the same arguments and environment, its JSON, warnings, errors and exit status as the command's
(tests/unit/plugins/inventory/test_invrunner.py runs both ways and compares). These are processes of their own,
because the process boundary is what they test:

* test_a_play_over_the_inventory_needs_no_connection_settings: ``ansible-playbook`` over the inventory, with the
  connection and interpreter of a real play;
* test_ansible_doc_shows_the_plugin: what ``ansible-doc`` finds and prints;
* test_cache_serves_the_second_run_without_calls: the second run is another ``ansible-inventory`` process, served
  from the cache the first left on disk.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from invrunner import ansible_inventory, inventory_env, run_inventory, run_playbook
from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import CreateCacheInstanceRequest
from modrunner import run_module

REGION = 'cn-north-1'
PLUGIN = 'jdcloud.cloud.jcs_redis'
AZS = {'cn-north-1': ('cn-north-1a', 'cn-north-1b'), 'cn-south-1': ('cn-south-1a', 'cn-south-1b')}


class SDK:
    """The official JD Cloud SDK, creating instances behind the plugin's back."""

    def __init__(self, emulator):
        from jdcloud_sdk.core.config import Config
        from jdcloud_sdk.core.credential import Credential
        from jdcloud_sdk.core.logger import Logger
        from jdcloud_sdk.services.redis.client.RedisClient import RedisClient

        endpoint = emulator.url.split('://', 1)[1]
        self.client = RedisClient(
            Credential(emulator.access_key, emulator.secret_key), Config(endpoint=endpoint, scheme='http'), Logger(0)
        )


@pytest.fixture
def sdk_client(emulator):
    return SDK(emulator)


def create(sdk, name, region=REGION, version='4.0', instance_class='redis.m.micro.basic', tags=None):
    spec = {
        'vpcId': 'vpc-inventory01',
        'subnetId': 'subnet-inventory01',
        'cacheInstanceName': name,
        'cacheInstanceClass': instance_class,
        'azId': {'master': AZS[region][0], 'slave': AZS[region][1]},
        'redisVersion': version,
        'password': 'Inv3ntoryPw',
    }
    if tags:
        spec['userTags'] = [dict(key=k, value=v) for k, v in tags.items()]
    response = sdk.client.send(CreateCacheInstanceRequest({'regionId': region, 'cacheInstance': spec}))
    assert response.error is None, vars(response.error)
    return response.result['cacheInstanceId']


def source(emulator, **options):
    """An inventory file's settings pointing at the emulator (credentials from the environment)."""
    config = dict(plugin='jdcloud.cloud.jcs_redis', endpoint=emulator.url, regions=[REGION])
    config.update(options)
    return config


def credentials(emulator, **extra):
    env = dict(JDCLOUD_ACCESS_KEY=emulator.access_key, JDCLOUD_SECRET_KEY=emulator.secret_key)
    env.update(extra)
    return env


def inventory(tmp_path, config, **kwargs):
    """``ansible-inventory`` on ``config``, run in this process."""
    return run_inventory(tmp_path, config, in_process=True, **kwargs)


def listing(emulator, tmp_path, env=None, **options):
    return inventory(tmp_path, source(emulator, **options), env=credentials(emulator, **(env or {})))


def list_calls(emulator):
    return emulator.admin.stats()['calls'].get('describeCacheInstances', 0)


@pytest.fixture
def fleet(emulator, sdk_client):
    """Five instances: versions 4.0 and 5.0, master-slave and cluster, tagged, two regions, one in error."""
    ids = dict(
        orders=create(sdk_client, 'orders', version='5.0', tags={'team': 'orders', 'env': 'prod'}),
        orders_eu=create(sdk_client, 'orders_eu', version='5.0', tags={'team': 'orders', 'env': 'staging'}),
        sessions=create(
            sdk_client, 'sessions', instance_class='redis.c.small.basic', tags={'team': 'web', 'env': 'prod'}
        ),
        broken=create(sdk_client, 'broken'),
        south=create(sdk_client, 'south', region='cn-south-1', version='5.0', tags={'team': 'orders'}),
    )
    emulator.admin.force_status(ids['broken'], 'error')
    emulator.admin.reset(state=False)  # counters only
    return ids


# --- the hosts and their variables ---------------------------------------------------------------------


def test_every_instance_is_a_host_with_the_info_module_shape(emulator, tmp_path, fleet):
    run = listing(emulator, tmp_path)
    hostvars = run.hostvars
    assert sorted(hostvars) == ['broken', 'orders', 'orders_eu', 'sessions']
    # one region of at most 100 instances is one call
    assert list_calls(emulator) == 1
    info = run_module('jcs_redis_info', emulator.connection())
    assert info.rc == 0, info.result
    for instance in info.result['instances']:
        host = hostvars[instance['name']]
        # exactly what jcs_redis_info returns, plus the connection address
        assert host['jcs_redis'] == instance
        assert host['ansible_host'] == instance['connection_domain']
        assert host['ansible_port'] == instance['port'] == 6379
        # and, so that plays run on the controller, its connection and the Python of ansible-playbook
        assert set(host) == {
            'jcs_redis',
            'ansible_host',
            'ansible_port',
            'ansible_connection',
            'ansible_python_interpreter',
        }
    assert hostvars['orders']['jcs_redis']['tags'] == {'team': 'orders', 'env': 'prod'}
    assert 'password' not in run.stdout.lower() and 'Inv3ntoryPw' not in run.stdout + run.stderr
    # no reserved variable names (name, port, tags) at the top level: Ansible would warn about each
    assert 'reserved' not in run.stderr


def test_api_data_is_never_templated(emulator, tmp_path, sdk_client):
    # A description is free text: whoever can rename or describe an instance must not run templates.
    instance_id = create(sdk_client, 'described')
    run_module(
        'jcs_redis_instance', emulator.connection(instance_id=instance_id, description="{{ lookup('env', 'HOME') }}")
    )
    run = listing(emulator, tmp_path, compose=dict(note='jcs_redis.description'))
    assert run.hostvars['described']['note'] == "{{ lookup('env', 'HOME') }}"
    assert run.hostvars['described']['jcs_redis']['description'] == "{{ lookup('env', 'HOME') }}"
    # ansible-inventory marks it as unsafe, for a consumer such as AWX never to render it either
    raw = run.data['_meta']['hostvars']['described']
    assert raw['jcs_redis']['description'] == {'__ansible_unsafe': "{{ lookup('env', 'HOME') }}"}
    # values that hold no template are plain strings: AWX imports the output as it is
    assert raw['jcs_redis']['name'] == 'described'
    assert raw['ansible_host'] == raw['jcs_redis']['connection_domain'] and isinstance(raw['ansible_host'], str)


def test_several_regions_from_the_environment(emulator, tmp_path, fleet):
    config = dict(plugin='jdcloud.cloud.jcs_redis', endpoint=emulator.url)
    run = inventory(tmp_path, config, env=credentials(emulator, JDCLOUD_REGION='cn-north-1,cn-south-1'))
    assert sorted(run.hostvars) == ['broken', 'orders', 'orders_eu', 'sessions', 'south']
    assert run.hostvars['south']['jcs_redis']['region'] == 'cn-south-1'
    assert list_calls(emulator) == 2


def test_every_page_of_a_large_region_is_listed(emulator, tmp_path):
    seeded = emulator.admin.seed(230)
    run = listing(emulator, tmp_path, hostnames='id', concurrency=4)
    assert sorted(run.hostvars) == sorted(seeded)
    # three pages, read twice (the second read in the other order) to be consistent
    assert list_calls(emulator) == 6


# --- filters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ('options', 'expected'),
    [
        (dict(statuses=['running']), ['orders', 'orders_eu', 'sessions']),
        (dict(statuses=['error']), ['broken']),
        (dict(redis_versions=['5']), ['orders', 'orders_eu']),
        (dict(redis_versions=['4.0.14', '5.0']), ['broken', 'orders', 'orders_eu', 'sessions']),
        (dict(instance_types=['cluster']), ['sessions']),
        (dict(instance_types=['master-slave', 'native-cluster']), ['broken', 'orders', 'orders_eu']),
        # exact: the API's name filter matches parts of names, and orders_eu contains orders
        (dict(names=['orders']), ['orders']),
        (dict(names=['orders', 'sessions']), ['orders', 'sessions']),
        (dict(names=['ORDERS']), []),
        (dict(tags={'team': 'orders'}), ['orders', 'orders_eu']),
        (dict(tags={'team': 'orders', 'env': 'prod'}), ['orders']),
        (dict(tags={'env': ['prod', 'staging']}), ['orders', 'orders_eu', 'sessions']),
        (dict(tags={'team': 'nobody'}), []),
        (dict(statuses=['running'], redis_versions=['5.0'], tags={'env': 'staging'}), ['orders_eu']),
    ],
)
def test_filters(emulator, tmp_path, fleet, options, expected):
    run = listing(emulator, tmp_path, **options)
    assert sorted(run.hostvars) == expected
    assert list_calls(emulator) == 1


def test_filters_are_sent_to_the_api(emulator, tmp_path, fleet):
    emulator.admin.seed(150)
    run = listing(emulator, tmp_path, statuses=['running'], tags={'team': 'orders'})
    assert sorted(run.hostvars) == ['orders', 'orders_eu']
    # 152 instances in the region, but the API returned one page of two: the filters went to the API
    assert list_calls(emulator) == 1


# --- groups and composed variables -----------------------------------------------------------------------


def test_keyed_groups_groups_and_compose(emulator, tmp_path, fleet):
    run = listing(
        emulator,
        tmp_path,
        regions=['cn-north-1', 'cn-south-1'],
        keyed_groups=[
            dict(prefix='redis_version', key='jcs_redis.redis_version'),
            dict(prefix='status', key='jcs_redis.status'),
            dict(prefix='type', key='jcs_redis.instance_type'),
            dict(prefix='region', key='jcs_redis.region'),
            dict(prefix='tag', key='jcs_redis.tags'),
        ],
        groups=dict(big='jcs_redis.memory_mb > 4096', prod="jcs_redis.tags.env | default('') == 'prod'"),
        compose=dict(redis_url="'redis://' ~ jcs_redis.connection_domain ~ ':' ~ jcs_redis.port"),
    )
    assert run.group('redis_version_5_0') == ['orders', 'orders_eu', 'south']
    assert run.group('redis_version_4_0') == ['broken', 'sessions']
    assert run.group('status_error') == ['broken']
    assert run.group('type_cluster') == ['sessions']
    assert run.group('region_cn_south_1') == ['south']
    assert run.group('tag_team_orders') == ['orders', 'orders_eu', 'south']
    assert run.group('tag_env_prod') == ['orders', 'sessions']
    assert run.group('big') == ['sessions']
    assert run.group('prod') == ['orders', 'sessions']
    orders = run.hostvars['orders']
    assert orders['redis_url'] == 'redis://{}:6379'.format(orders['jcs_redis']['connection_domain'])


def test_strict_fails_on_a_bad_keyed_group(emulator, tmp_path, fleet):
    keyed = [dict(prefix='x', key='jcs_redis.no_such_field')]
    assert listing(emulator, tmp_path, keyed_groups=keyed).rc == 0
    run = listing(emulator, tmp_path, keyed_groups=keyed, strict=True)
    assert run.rc != 0
    assert 'no_such_field' in run.warnings


def test_composed_strings_are_plain_in_list_and_export(emulator, tmp_path, fleet):
    # ansible-core marks every string an inventory plugin composes as untrusted, and ansible-inventory writes each as
    # {"__ansible_unsafe": ...}, which AWX imports as a dictionary instead of the string
    compose = dict(
        redis_url="'redis://' ~ jcs_redis.connection_domain ~ ':' ~ jcs_redis.port",
        literal="'fixed'",
        names='[jcs_redis.name, jcs_redis.region]',
        shards='jcs_redis.shard_number',
    )
    for args in (('--list',), ('--list', '--export')):
        run = inventory(tmp_path, source(emulator, compose=compose), env=credentials(emulator), args=args)
        raw = run.data['_meta']['hostvars']['orders']
        domain = raw['jcs_redis']['connection_domain']
        assert raw['redis_url'] == f'redis://{domain}:6379', args
        assert raw['literal'] == 'fixed', args
        assert raw['names'] == ['orders', REGION], args
        assert raw['shards'] == raw['jcs_redis']['shard_number'], args
        assert '__ansible_unsafe' not in run.stdout, args


def test_groups_that_would_shadow_ansible_groups_or_hosts_are_not_made(emulator, tmp_path, sdk_client):
    # a group named all or ungrouped would redefine Ansible's own; one named like a host hides that host's group
    # from every pattern (the host wins)
    for role in ('all', 'ungrouped', 'orders', 'cache'):
        create(sdk_client, f'member_{role}', tags={'role': role})
    create(sdk_client, 'orders')
    options = dict(
        keyed_groups=[dict(prefix='', key='jcs_redis.tags.role')],
        leading_separator=False,
        groups=dict(ungrouped='true', orders="jcs_redis.name == 'orders'", cached="jcs_redis.tags.role == 'cache'"),
    )
    run = listing(emulator, tmp_path, **options)
    assert run.rc == 0, run.stderr
    assert run.groups == {'all', 'ungrouped', 'cache', 'cached'}
    assert run.group('cache') == run.group('cached') == ['member_cache']
    assert run.group('ungrouped') == ['member_all', 'member_orders', 'member_ungrouped', 'orders']
    assert sorted(run.data['all']['children']) == ['cache', 'cached', 'ungrouped']
    everyone = 'member_all, member_cache, member_orders, member_ungrouped, orders'
    for group, hosts in (('all', 'member_all'), ('ungrouped', everyone), ('orders', 'member_orders, orders')):
        assert f"'{group}' ({hosts})" in run.warnings, group
    assert 'groups are not made' in run.warnings
    strict = listing(emulator, tmp_path, strict=True, **options)
    assert strict.rc != 0
    assert re.search("keyed_groups, groups: the group '(all|ungrouped|orders)' is not made", strict.warnings)


def test_an_empty_tag_value_makes_a_group_ending_in_the_separator(emulator, tmp_path, sdk_client):
    # Ansible's keyed_groups rule, as with every inventory plugin; default_value or trailing_separator change it
    create(sdk_client, 'unowned', tags={'owner': ''})
    create(sdk_client, 'owned', tags={'owner': 'web'})
    for keyed, group in (
        ({}, 'tag_owner_'),
        (dict(default_value='none'), 'tag_owner_none'),
        (dict(trailing_separator=False), 'tag_owner'),
    ):
        run = listing(emulator, tmp_path, keyed_groups=[dict(prefix='tag', key='jcs_redis.tags', **keyed)])
        assert run.hostvars['unowned']['jcs_redis']['tags'] == {'owner': ''}
        assert run.groups == {'all', 'tag_owner_web', group}, keyed
        assert run.group(group) == ['unowned'], keyed


# --- host names ------------------------------------------------------------------------------------------


def test_colliding_names_fall_back_to_ids_with_a_warning(emulator, tmp_path, sdk_client):
    first = create(sdk_client, 'twin')
    second = create(sdk_client, 'twin')
    single = create(sdk_client, 'single')
    run = listing(emulator, tmp_path)
    assert sorted(run.hostvars) == sorted([first, second, 'single'])
    assert run.hostvars['single']['jcs_redis']['id'] == single
    assert run.hostvars[first]['jcs_redis']['name'] == 'twin'
    assert "'twin' ({})".format(', '.join(sorted([first, second]))) in run.warnings
    assert 'named by their IDs' in run.warnings


def test_names_ansible_reserves_fall_back_to_ids_with_a_warning(emulator, tmp_path, sdk_client):
    # valid JD Cloud names: a host named all broke the whole inventory (rc 1), one named ungrouped crashed it (rc 250),
    # and one named localhost would stand in for the controller in every play over the inventory
    ids = {name: create(sdk_client, name) for name in ('all', 'ungrouped', 'localhost')}
    create(sdk_client, 'orders')
    run = listing(emulator, tmp_path)
    assert run.rc == 0, run.stderr
    assert sorted(run.hostvars) == sorted([*ids.values(), 'orders'])
    for name, instance_id in ids.items():
        assert run.hostvars[instance_id]['jcs_redis']['name'] == name
        assert f"'{name}' ({instance_id})" in run.warnings, name
    assert 'Ansible reserves' in run.warnings
    assert run.group('ungrouped') == sorted([*ids.values(), 'orders'])


def test_host_names_no_pattern_could_select_fall_back_to_ids(emulator, tmp_path, sdk_client):
    aliases = dict(
        spaced='cache one',
        comma='cache,one',
        colon='cache:1',
        negated='!cache',
        both='&cache',
        ranged='cache[1]',
        fine='cache_1',
    )
    ids = {key: create(sdk_client, key, tags={'alias': alias}) for key, alias in aliases.items()}
    run = listing(emulator, tmp_path, hostnames='{{ jcs_redis.tags.alias }}')
    assert run.rc == 0, run.stderr
    assert sorted(run.hostvars) == sorted([ids[key] for key in aliases if key != 'fine'] + ['cache_1'])
    for key, alias in aliases.items():
        if key != 'fine':
            assert f'{alias!r} ({ids[key]})' in run.warnings, alias


def test_hostnames_id(emulator, tmp_path, fleet):
    run = listing(emulator, tmp_path, hostnames='id')
    assert sorted(run.hostvars) == sorted(v for k, v in fleet.items() if k != 'south')


def test_hostnames_template_and_its_collisions(emulator, tmp_path, fleet):
    run = listing(emulator, tmp_path, hostnames='{{ jcs_redis.name }}-{{ jcs_redis.redis_version }}')
    assert sorted(run.hostvars) == ['broken-4.0', 'orders-5.0', 'orders_eu-5.0', 'sessions-4.0']
    run = listing(emulator, tmp_path, hostnames='v{{ jcs_redis.redis_version }}')
    # every name collides: each instance is named by its ID
    assert sorted(run.hostvars) == sorted(v for k, v in fleet.items() if k != 'south')
    assert "'v5.0'" in run.warnings and "'v4.0'" in run.warnings


def test_hostnames_template_that_fails_or_is_empty(emulator, tmp_path, fleet):
    template = '{{ jcs_redis.tags.env }}_{{ jcs_redis.name }}'
    run = listing(emulator, tmp_path, hostnames=template)
    # broken has no env tag: named by its ID, with a warning
    assert sorted(run.hostvars) == sorted(['prod_orders', 'staging_orders_eu', 'prod_sessions', fleet['broken']])
    assert 'the template failed for instance ' + fleet['broken'] in run.warnings
    run = listing(emulator, tmp_path, hostnames=template, strict=True)
    assert run.rc != 0 and 'hostnames: the template' in run.warnings and fleet['broken'] in run.warnings
    run = listing(emulator, tmp_path, hostnames="{{ jcs_redis.tags.env | default('') }}", names=['broken'])
    assert list(run.hostvars) == [fleet['broken']]
    assert 'empty name for instance ' + fleet['broken'] in run.warnings


# --- caching ---------------------------------------------------------------------------------------------


def test_cache_serves_the_second_run_without_calls(emulator, tmp_path, sdk_client):
    create(sdk_client, 'cached_one')
    cache = dict(cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'))
    first = listing(emulator, tmp_path, **cache)
    assert sorted(first.hostvars) == ['cached_one']
    assert list_calls(emulator) == 1
    create(sdk_client, 'cached_two')
    # another ansible-inventory process, from the cache on disk: no call, and the new instance is not there yet
    second = run_inventory(tmp_path, source(emulator, **cache), env=credentials(emulator))
    assert not second.in_process
    assert second.hostvars == first.hostvars
    assert list_calls(emulator) == 1
    # grouping options are applied to the cached instances
    grouped = listing(emulator, tmp_path, keyed_groups=[dict(prefix='v', key='jcs_redis.redis_version')], **cache)
    assert grouped.group('v_4_0') == ['cached_one']
    assert list_calls(emulator) == 1
    # --flush-cache lists again and refreshes the cache
    run = inventory(tmp_path, source(emulator, **cache), env=credentials(emulator), args=('--list', '--flush-cache'))
    assert sorted(run.hostvars) == ['cached_one', 'cached_two']
    assert list_calls(emulator) == 2
    assert sorted(listing(emulator, tmp_path, **cache).hostvars) == ['cached_one', 'cached_two']
    assert list_calls(emulator) == 2
    # other filters are another listing: not served from the cache of this one
    assert sorted(listing(emulator, tmp_path, names=['cached_two'], **cache).hostvars) == ['cached_two']
    assert list_calls(emulator) == 3


def test_cache_timeout(emulator, tmp_path, sdk_client):
    create(sdk_client, 'cached_one')
    cache = dict(
        cache=True,
        cache_plugin='ansible.builtin.jsonfile',
        cache_connection=str(tmp_path / 'cache'),
        cache_timeout=3600,
    )
    listing(emulator, tmp_path, **cache)
    listing(emulator, tmp_path, **cache)
    assert list_calls(emulator) == 1  # within the timeout: from the cache
    # older than the timeout without waiting for it: the cache file's age is what Ansible compares
    for entry in (tmp_path / 'cache').iterdir():
        aged = entry.stat().st_mtime - 7200
        os.utime(entry, (aged, aged))
    listing(emulator, tmp_path, **cache)
    assert list_calls(emulator) == 2


def test_cache_holds_no_secret(emulator, tmp_path, fleet):
    cache_dir = tmp_path / 'cache'
    listing(emulator, tmp_path, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(cache_dir))
    files = list(cache_dir.iterdir())
    assert files
    text = ''.join(f.read_text() for f in files)
    assert 'orders_eu' in text
    assert emulator.secret_key not in text and 'Inv3ntoryPw' not in text


# --- credentials and endpoint from the environment ---------------------------------------------------------


def test_credentials_region_and_endpoint_from_the_environment(emulator, tmp_path, fleet):
    env = credentials(emulator, JDCLOUD_REGION=REGION, JDCLOUD_ENDPOINT=emulator.url)
    run = inventory(tmp_path, dict(plugin='jdcloud.cloud.jcs_redis'), env=env)
    assert sorted(run.hostvars) == ['broken', 'orders', 'orders_eu', 'sessions']


def test_options_win_over_the_environment(emulator, tmp_path, fleet):
    env = credentials(emulator, JDCLOUD_REGION='cn-east-2', JDCLOUD_ENDPOINT='http://127.0.0.1:9')
    run = inventory(tmp_path, source(emulator), env=env)
    assert sorted(run.hostvars) == ['broken', 'orders', 'orders_eu', 'sessions']


@pytest.mark.parametrize(
    ('variable', 'message'),
    [
        (
            'JDCLOUD_ACCESS_KEY',
            'Missing JD Cloud credentials: set access_key (or the environment variable JDCLOUD_ACCESS_KEY)',
        ),
        (
            'JDCLOUD_SECRET_KEY',
            'Missing JD Cloud credentials: set secret_key (or the environment variable JDCLOUD_SECRET_KEY)',
        ),
        ('JDCLOUD_REGION', 'Missing region: set regions (or the environment variable JDCLOUD_REGION)'),
    ],
)
def test_an_empty_variable_counts_as_not_set(emulator, tmp_path, variable, message):
    env = credentials(emulator, JDCLOUD_REGION=REGION)
    env[variable] = ''
    run = inventory(tmp_path, dict(plugin='jdcloud.cloud.jcs_redis', endpoint=emulator.url), env=env)
    assert run.rc != 0
    assert message in run.warnings
    assert list_calls(emulator) == 0


def test_an_empty_endpoint_variable_means_the_jd_cloud_api(emulator, tmp_path):
    # A proxy that refuses connections keeps the request on this machine; the error names the host.
    env = credentials(
        emulator,
        JDCLOUD_REGION=REGION,
        JDCLOUD_ENDPOINT='',
        HTTPS_PROXY='http://127.0.0.1:9',
        https_proxy='http://127.0.0.1:9',
        NO_PROXY='',
        no_proxy='',
    )
    run = inventory(tmp_path, dict(plugin='jdcloud.cloud.jcs_redis', api_retries=0), env=env)
    assert run.rc != 0
    assert 'Could not list the Redis instances of region cn-north-1' in run.warnings
    assert 'redis.jdcloud-api.com' in run.warnings
    assert 'status=CONNECTION_ERROR' in run.warnings


# --- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ('options', 'message'),
    [
        (dict(regions=[]), 'regions must name at least one region'),
        (dict(regions=['cn-north-1', 'North']), "regions must be JD Cloud region IDs such as cn-north-1, got 'North'"),
        (dict(statuses=['runing']), "Invalid value ['runing'] for config 'statuses'"),
        (dict(statuses=[]), 'statuses must not be empty; omit the option to list instances in every status'),
        (dict(instance_types=['sentinel']), "Invalid value ['sentinel'] for config 'instance_types'"),
        (dict(redis_versions=['latest']), "redis_versions must be versions such as 5.0, got 'latest'"),
        # a long value is shown by its start and length, never in full
        (
            dict(redis_versions=['v' * 5000]),
            "redis_versions must be versions such as 5.0, got '{}... (5000 characters)".format('v' * 39),
        ),
        (
            dict(regions=['cn-' + 'x' * 5000]),
            "got 'cn-{}... (5003 characters) in ['cn-{}... (1 items)".format('x' * 36, 'x' * 35),
        ),
        (
            dict(names=['']),
            "names: each name must be 2 to 32 characters of letters, digits, underscores or Chinese characters (no hyphens or spaces), got ''",
        ),
        (
            dict(names=['x' * 100000]),
            "names: each name must be 2 to 32 characters of letters, digits, underscores or Chinese characters "
            "(no hyphens or spaces), got '{}... (100000 characters)".format('x' * 39),
        ),
        (dict(status=['running']), "unknown option 'status' (did you mean statuses?) in the inventory file"),
        (dict(tag={'a': 'b'}, colour=1), "unknown options 'colour', 'tag' (did you mean tags?) in the inventory file"),
        (dict(api_timeout=float('inf')), 'api_timeout must be a whole number, got infinity'),
        (dict(tags={'team': []}), 'tags.team must be a tag value or a non-empty list of tag values'),
        (dict(tags={'team': {'a': 1}}), 'tags.team must be a tag value or a non-empty list of tag values'),
        (dict(tags={}), 'tags must not be empty'),
        (dict(hostnames='fqdn'), "hostnames must be id, name or a Jinja2 template such as"),
        (dict(concurrency=17), 'concurrency must be between 1 and 16, got 17'),
        (dict(api_timeout=0), 'api_timeout must be between 1 and 3600, got 0'),
        (dict(api_retries=101), 'api_retries must be between 0 and 100, got 101'),
        (dict(endpoint=''), 'endpoint must be a URL like https://redis.jdcloud-api.com'),
        (
            dict(endpoint='ftp://127.0.0.1'),
            "endpoint must be a URL like https://redis.jdcloud-api.com or http://127.0.0.1:8765 (scheme, host and port only), got 'ftp://127.0.0.1'",
        ),
        (
            dict(ca_path='/nonexistent/ca.pem'),
            "ca_path '/nonexistent/ca.pem' is not a readable file of CA certificates",
        ),
        (dict(access_key='has space'), 'access_key must be printable ASCII characters without spaces'),
        (dict(concurrency='many'), 'concurrency'),
    ],
)
def test_bad_options_fail_naming_the_option_before_any_call(emulator, tmp_path, options, message):
    run = listing(emulator, tmp_path, **options)
    assert run.rc != 0
    assert message in run.warnings
    assert 'Traceback' not in run.stderr
    assert list_calls(emulator) == 0


def test_a_file_of_another_name_is_not_taken(emulator, tmp_path):
    run = inventory(tmp_path, source(emulator), env=credentials(emulator), filename='redis.yml')
    assert run.rc != 0
    assert 'could not be verified by inventory plugin' in run.warnings
    assert list_calls(emulator) == 0


def test_api_errors_reach_the_user_with_code_status_and_request_id(emulator, tmp_path):
    run = listing(emulator, tmp_path, regions=['xx-nowhere-1'])
    assert run.rc != 0
    assert (
        'Could not list the Redis instances of region xx-nowhere-1: JD Cloud API error 400 INVALID_ARGUMENT'
        in run.warnings
    )
    assert 'code=400, status=INVALID_ARGUMENT, request_id=' in run.warnings
    assert 'Traceback' not in run.stderr


def test_a_wrong_secret_key_is_explained_and_never_shown(emulator, tmp_path):
    wrong = 'WrongSecretKey0000000000000000x9'
    run = listing(emulator, tmp_path, env=dict(JDCLOUD_SECRET_KEY=wrong))
    assert run.rc != 0
    assert 'JD Cloud rejected the request signature' in run.warnings
    assert 'status=ACCESS_ERROR' in run.warnings or 'code=401' in run.warnings
    assert wrong not in run.stdout + run.stderr
    assert 'Traceback' not in run.stderr
    verbose = inventory(
        tmp_path, source(emulator), env=credentials(emulator, JDCLOUD_SECRET_KEY=wrong), args=('--list', '-vvvv')
    )
    assert verbose.rc != 0
    assert wrong not in verbose.stdout + verbose.stderr
    assert emulator.secret_key not in verbose.stdout + verbose.stderr


def test_temporary_errors_are_retried(emulator, tmp_path, fleet):
    # seed 2: the first answer is a throttle
    emulator.admin.config(throttle_rate=0.5, retry_after=0, fault_seed=2)
    run = listing(emulator, tmp_path)
    assert sorted(run.hostvars) == ['broken', 'orders', 'orders_eu', 'sessions']
    stats = emulator.admin.stats()
    assert stats['faults'].get('throttle', 0) >= 1, (stats, emulator.admin.config())


# --- documentation ---------------------------------------------------------------------------------------


def plugin_examples():
    path = Path(__file__).resolve().parents[4] / 'plugins' / 'inventory' / 'jcs_redis.py'
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == 'EXAMPLES':
            return list(yaml.safe_load_all(ast.literal_eval(node.value)))
    raise AssertionError('no EXAMPLES')


def test_ansible_doc_shows_the_plugin(tmp_path):
    proc = subprocess.run(
        [os.path.join(os.path.dirname(ansible_inventory()), 'ansible-doc'), '-t', 'inventory', '--json', PLUGIN],
        env=inventory_env(str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)[PLUGIN]
    options = doc['doc']['options']
    for option in ('regions', 'statuses', 'redis_versions', 'instance_types', 'names', 'tags', 'hostnames'):
        assert options[option]['description'], option
    # Constructable and Cacheable options come from ansible-core's fragments
    for option in ('compose', 'groups', 'keyed_groups', 'strict', 'cache', 'cache_timeout'):
        assert option in options, option
    assert 'keyed_groups' in doc['examples'] and 'hostnames' in doc['examples']


@pytest.mark.parametrize('number', range(3))
def test_every_documented_example_runs(emulator, tmp_path, fleet, sdk_client, number):
    create(
        sdk_client,
        'orders_cluster',
        version='5.0',
        instance_class='redis.c.small.basic',
        tags={'team': 'orders', 'env': 'prod'},
    )
    config = plugin_examples()[number]
    config.update(endpoint=emulator.url)
    if 'cache_connection' in config:
        config['cache_connection'] = str(tmp_path / 'cache')
    if number == 0:
        config['regions'] = ['cn-north-1', 'cn-south-1']
    run = inventory(tmp_path, config, env=credentials(emulator))
    assert run.rc == 0, run.stderr
    assert run.hostvars, config


def test_options_from_the_file_may_be_templates(emulator, tmp_path, fleet):
    config = dict(
        source(emulator),
        access_key="{{ lookup('ansible.builtin.env', 'KEY_FOR_TEST') }}",
        secret_key='{{ test_secret }}',
        regions=['{{ test_region }}'],
    )
    extra = tmp_path / 'extra.yml'
    extra.write_text(f'test_secret: {emulator.secret_key}\ntest_region: {REGION}\n')
    run = inventory(tmp_path, config, env=dict(KEY_FOR_TEST=emulator.access_key), args=('--list', '-e', f'@{extra}'))
    assert sorted(run.hostvars) == ['broken', 'orders', 'orders_eu', 'sessions']


def test_a_key_from_the_environment_is_no_template(emulator, tmp_path):
    broken = 'Abc{{ nonsense' + emulator.secret_key
    run = listing(emulator, tmp_path, env=dict(JDCLOUD_SECRET_KEY=broken))
    assert run.rc != 0
    # sent as it is, so the API refuses the signature; never rendered, never shown
    assert 'JD Cloud rejected the request signature' in run.warnings
    assert broken not in run.stdout + run.stderr


def test_a_template_in_the_file_that_fails_does_not_show_the_key(emulator, tmp_path):
    secret = 'Sec{{ ret' + emulator.secret_key
    run = inventory(
        tmp_path, dict(source(emulator), secret_key=secret), env=dict(JDCLOUD_ACCESS_KEY=emulator.access_key)
    )
    assert run.rc != 0
    assert 'secret_key is a template that could not be rendered' in run.warnings
    assert emulator.secret_key not in run.stdout + run.stderr


def test_region_is_an_alias_of_regions(emulator, tmp_path, fleet):
    config = dict(plugin=PLUGIN, endpoint=emulator.url, region='cn-south-1')
    run = inventory(tmp_path, config, env=credentials(emulator))
    assert list(run.hostvars) == ['south']


# --- plays over the inventory ------------------------------------------------------------------------------


def test_hosts_run_on_the_controller_by_default(emulator, tmp_path, fleet):
    raw = listing(emulator, tmp_path).data['_meta']['hostvars']['orders']
    assert raw['ansible_connection'] == 'local'
    # a template, rendered by the play: the interpreter running ansible-playbook, wherever it runs (AWX)
    assert raw['ansible_python_interpreter'] == '{{ ansible_playbook_python }}'
    off = listing(emulator, tmp_path, local_connection=False).hostvars['orders']
    assert set(off) == {'jcs_redis', 'ansible_host', 'ansible_port'}


def test_a_play_over_the_inventory_needs_no_connection_settings(emulator, tmp_path, fleet):
    play = [
        dict(
            name='Read each instance',
            hosts='all',
            gather_facts=False,
            tasks=[
                dict(
                    name='Read the instance',
                    register='read',
                    **{
                        'jdcloud.cloud.jcs_redis_info': dict(
                            region='{{ jcs_redis.region }}', instance_ids=['{{ jcs_redis.id }}']
                        )
                    },
                ),
                dict(
                    name='It is the host',
                    **{
                        'ansible.builtin.assert': dict(
                            that=['read.instances[0].id == jcs_redis.id', 'ansible_playbook_python is defined']
                        )
                    },
                ),
            ],
        )
    ]
    run = run_playbook(tmp_path, play, source(emulator), env=credentials(emulator, JDCLOUD_ENDPOINT=emulator.url))
    output = run.stdout + run.stderr
    assert run.rc == 0, output
    for host in ('broken', 'orders', 'orders_eu', 'sessions'):
        assert re.search(rf'^{host}\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0', run.stdout, re.M), output
    # no SSH to the proxy's domain, no interpreter discovered (and warned about) per host
    assert 'via ssh' not in output.lower() and 'unreachable!' not in output.lower()
    assert 'discovered' not in output.lower() and 'interpreter' not in output.lower(), output


# --- posture ---------------------------------------------------------------------------------------------------


def sdk_send(sdk, request_class, **params):
    import importlib

    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk.client.send(getattr(module, request_class)(dict(regionId=REGION, **params)))
    assert response.error is None, vars(response.error)


def test_posture_makes_groups_of_the_instances_to_fix(emulator, tmp_path, sdk_client):
    create(sdk_client, 'open_one', version='6.2')
    narrowed = create(sdk_client, 'narrowed', version='6.2')
    sdk_send(sdk_client, 'ModifyWhiteListGroupRequest', cacheInstanceId=narrowed, name='default', ips='10.0.1.0/24')
    sdk_send(sdk_client, 'ModifyInstanceTLSRequest', cacheInstanceId=narrowed, tlsStatus='enable')
    emulator.admin.reset(state=False)
    keyed = [
        dict(prefix='posture', key="jcs_redis.posture | map(attribute='id') | list"),
        dict(prefix='severity', key="jcs_redis.posture | map(attribute='severity') | unique | list"),
    ]
    run = listing(emulator, tmp_path, posture=True, keyed_groups=keyed)
    assert run.group('posture_whitelist_open') == ['open_one']
    assert run.group('posture_tls_off') == ['open_one']
    assert run.group('posture_no_maintenance_window') == ['narrowed', 'open_one']
    assert run.group('severity_high') == ['open_one']
    findings = run.hostvars['open_one']['jcs_redis']['posture']
    assert findings[0]['id'] == 'whitelist_open' and findings[0]['severity'] == 'high'
    assert run.hostvars['narrowed']['jcs_redis']['maintenance_window'] is None
    # one listing, four reads per instance
    calls = {op: n for op, n in emulator.admin.stats()['calls'].items() if n}
    assert calls == {
        'describeCacheInstances': 1,
        'describeWhiteListGroup': 2,
        'describeBackupPolicy': 2,
        'describeInstanceTLS': 2,
        'getDisableCommands': 2,
    }

    emulator.admin.reset(state=False)
    plain = listing(emulator, tmp_path, keyed_groups=keyed, strict=False)
    assert 'posture' not in plain.hostvars['open_one']['jcs_redis']
    assert emulator.calls() == {'describeCacheInstances': 1}


# --- maintenance window --------------------------------------------------------------------------------------


def test_the_maintenance_window_is_a_host_variable_read_with_the_listing(emulator, tmp_path, sdk_client):
    windowed = create(sdk_client, 'windowed')
    create(sdk_client, 'windowless')
    # set behind the plugin's back, in the API's own form (HH:mmZ, UTC)
    sdk_send(sdk_client, 'MaintenanceTimeRequest', cacheInstanceId=windowed, startTime='18:00Z', endTime='20:00Z')
    # a window written in another zone through the module reads back in UTC
    set_window = run_module(
        'jcs_redis_instance', emulator.connection(instance_id=windowed, maintenance_window='03:00-05:00 +0800')
    )
    assert set_window.changed, set_window.result
    emulator.admin.reset(state=False)
    run = listing(
        emulator,
        tmp_path,
        groups=dict(no_window='jcs_redis.maintenance_window is none'),
        keyed_groups=[dict(prefix='window', key="jcs_redis.maintenance_window | default('none', true)")],
    )
    assert run.rc == 0, run.stderr
    assert run.hostvars['windowed']['jcs_redis']['maintenance_window'] == '19:00-21:00 +0000'
    assert run.hostvars['windowless']['jcs_redis']['maintenance_window'] is None
    assert run.group('no_window') == ['windowless']
    assert run.group('window_none') == ['windowless']
    assert len(run.groups - {'all', 'ungrouped', 'no_window', 'window_none'}) == 1
    # carried by describeCacheInstances: no call per instance
    assert emulator.calls() == {'describeCacheInstances': 1}
    # the same value as jcs_redis_info's
    info = run_module('jcs_redis_info', emulator.connection(instance_ids=[windowed]))
    assert info.result['instances'][0]['maintenance_window'] == '19:00-21:00 +0000'
