"""Bad input: hypothesis generates module arguments for every module and runs them for real.

Each example is a dict of arguments: the valid connection options plus some options drawn
from wrong types, empty and over-long strings, unicode and control characters,
injection-looking strings, unknown options and impossible combinations.  Whatever comes
in, the run must end in a clean result or a ``fail_json`` whose message names an option it
was given (or a required one it lacks), never a traceback, and a failed run must not have
sent a single write call to the emulator.
"""

from __future__ import annotations

import re

import pytest
from emulator_fixtures import INSTANCE_REQUEST, RunningEmulator
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from modrunner import run_module
from reliability_support import FIGURES, MODULES, assert_clean_run, env_int

SUITE = '2. bad input (hypothesis)'
EXAMPLES = env_int('JDCLOUD_RELIABILITY_EXAMPLES', 25)
PASSWORD = 'Input1Passw0rd'

INJECTIONS = [
    "'; DROP TABLE instances; --",
    '" OR "1"="1',
    '../../../etc/passwd',
    'redis-abc/../../quota',
    '%2e%2e%2f',
    '$(id)',
    '`id`',
    '{{ lookup("pipe", "id") }}',
    '${jndi:ldap://127.0.0.1/a}',
    '<script>alert(1)</script>',
    'a\r\nX-Injected: 1',
    'name\x00null',
    '\u202eevil',
    'redis-abc?pageSize=100&x=',
    'a&filters.1.name=vpcId',
    '*',
    '%',
    '\\',
    'null',
    'None',
]
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=8)
NASTY_TEXT = st.one_of(
    st.just(''),
    st.text(max_size=40),
    st.text(min_size=257, max_size=400),
    CONTROL,
    st.sampled_from(INJECTIONS),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=40),
)
WRONG_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
ANY = st.one_of(NASTY_TEXT, WRONG_TYPES)
NUMBER = st.one_of(st.integers(min_value=-5, max_value=40), st.sampled_from([0, -1, 10**12, '7', '1.5', 'ten']), ANY)
BOOLEAN = st.one_of(st.booleans(), st.sampled_from(['yes', 'no', 'on', 'maybe', '', 2, 1.5]), ANY)


def choice(values):
    return st.one_of(st.sampled_from(values), st.sampled_from([v.upper() for v in values] + [' ' + values[0]]), ANY)


# Options every module shares; the endpoint stays on the emulator, except for a few malformed
# endpoints that must be refused before any connection is attempted.
COMMON = {
    'region': st.one_of(st.sampled_from(['cn-north-1', 'cn-east-1', 'us-west-1', 'CN-NORTH-1', 'cn_north_1']), ANY),
    'access_key': st.one_of(st.sampled_from(['WRONGACCESSKEY000000000000000000']), NASTY_TEXT),
    'secret_key': st.one_of(st.sampled_from(['WrongSecretKey00000000000000000x9']), NASTY_TEXT),
    'api_timeout': NUMBER,
    'api_retries': st.one_of(st.integers(min_value=-3, max_value=3), ANY),
    'validate_certs': BOOLEAN,
    'endpoint': st.sampled_from(
        [
            'ftp://127.0.0.1:1',
            'http://',
            '127.0.0.1:1/path?x=1',
            'http://127.0.0.1:1/v1',
            'http://user:pw@127.0.0.1:1',
            'https://[::1',
            '',
        ]
    ),
}
# Engine parameter names and values: the instance's own (4.0), unsupported and unknown names, values of the
# wrong type, range or spelling.
PARAMETER_NAMES = st.one_of(
    st.sampled_from(
        [
            'maxmemory-policy',
            'notify-keyspace-events',
            'slowlog-log-slower-than',
            'list-max-ziplist-size',
            'hash-max-ziplist-entries',
            'client-output-buffer-limit',
            'list-max-ziplist-entries',
            'maxmemory',
            'requirepass',
            'MAXMEMORY-POLICY',
            'maxmemory-policy ',
        ]
    ),
    NASTY_TEXT,
)
PARAMETER_VALUES = st.one_of(
    st.sampled_from(
        ['allkeys-lru', 'AllKeys-LFU', 'lru', 'KEA', 'Ex', 'KEt', '', '-5', '-6', '10000', '10001', ' 512 ', '1e3']
    ),
    st.sampled_from(['pubsub 64mb 16mb 60', 'pubsub 1 2', 'replica 1xb 0 0']),
    st.integers(min_value=-10, max_value=20000),
    ANY,
)
MODULE_OPTIONS = {
    'jcs_redis_instance': {
        'state': choice(['present', 'absent']),
        'instance_id': st.one_of(
            st.sampled_from(['redis-abcdefghijkl', 'redis-', 'REDIS-ABC', 'redis-abc def']),
            st.text(max_size=20).map(lambda s: 'redis-' + s),
            ANY,
        ),
        'name': st.one_of(st.sampled_from(['ok_name', 'x', 'n' * 33, 'bad-name', 'with space', '缓存实例']), ANY),
        'description': st.one_of(st.just('d' * 257), ANY),
        'instance_class': st.one_of(
            st.sampled_from(
                ['redis.m.small.basic', 'redis.m1.small.basic', 'redis.c.small.basic', 'REDIS.M.SMALL.BASIC']
            ),
            ANY,
        ),
        'vpc_id': st.one_of(st.sampled_from(['vpc-other0001', 'vpc-', 'VPC-ABCDEF01', 'subnet-input0001']), ANY),
        'subnet_id': st.one_of(st.sampled_from(['subnet-other0001', 'subnet-', 'vpc-input0001']), ANY),
        'master_az': st.one_of(st.sampled_from(['cn-north-1c', 'cn-south-1a', 'cn-north-1z', 'cn-north-1']), ANY),
        'slave_az': st.one_of(st.sampled_from(['cn-north-1a', 'cn-east-2a', 'cn-north-1q']), ANY),
        'redis_version': st.one_of(
            st.sampled_from(['4', '4.0', '5.0.14', '7.2', '2.8', '9.9', 'latest', '4.x', '-1']), ANY
        ),
        'ipv6': BOOLEAN,
        'password': st.one_of(
            st.sampled_from(
                ['short1', 'lettersonlypass', '1234567890', 'has space 123', 'Sp3cial!char', 'a' * 17 + '1', '']
            ),
            ANY,
        ),
        'update_password': choice(['on_create', 'always']),
        'allow_passwordless': BOOLEAN,
        'charge_mode': choice(['postpaid_by_duration', 'prepaid_by_duration']),
        'charge_unit': choice(['month', 'year']),
        'charge_duration': NUMBER,
        'auto_renew': BOOLEAN,
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
        'shard_number': NUMBER,
        'replica_number': NUMBER,
        'tags': st.one_of(
            st.dictionaries(
                st.one_of(st.sampled_from(['team', 'jdc-owner', 'JRN:x', '', ' pad', 'k' * 128]), NASTY_TEXT),
                st.one_of(st.sampled_from(['v', 'v' * 256, '']), NASTY_TEXT, NUMBER, BOOLEAN),
                max_size=3,
            ),
            ANY,
        ),
        'purge_tags': BOOLEAN,
        'tag_endpoint': st.one_of(st.sampled_from(['ftp://127.0.0.1:1', 'http://', '', 'http://user:pw@h']), ANY),
    },
    'jcs_redis_info': {
        'instance_ids': st.one_of(
            st.lists(st.one_of(st.sampled_from(['redis-abcdefghijkl']), NASTY_TEXT), max_size=3), ANY
        ),
        'name': ANY,
        'name_match': choice(['exact', 'contains']),
        'statuses': st.one_of(st.lists(st.sampled_from(['running', 'error', 'RUNNING', 'gone', '']), max_size=3), ANY),
        'vpc_id': ANY,
        'subnet_id': ANY,
        'redis_version': st.one_of(st.sampled_from(['4', '5.0', 'latest']), ANY),
        'instance_type': choice(['master-slave', 'cluster', 'native-cluster']),
        'charge_mode': choice(['prepaid_by_duration', 'postpaid_by_duration']),
        'sort_by': choice(['create_time', 'total_memory']),
        'sort_order': choice(['asc', 'desc']),
        'concurrency': NUMBER,
        'tags': st.one_of(
            st.dictionaries(NASTY_TEXT, st.one_of(NASTY_TEXT, st.lists(NASTY_TEXT, max_size=2), ANY), max_size=2), ANY
        ),
    },
    'jcs_redis_quota': {
        'min_available': NUMBER,
    },
    'jcs_redis_instance_class_info': {
        'redis_version': st.one_of(st.sampled_from(['4', '5.0', '2.8', '9.9', 'latest']), ANY),
        'instance_type': choice(['master-slave', 'cluster', 'native-cluster']),
    },
    'jcs_redis_whitelist': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-', 'REDIS-ABC', 'redis-abc def']), ANY),
        'instance_name': st.one_of(st.sampled_from(['input_00002', 'x', 'input']), ANY),
        'groups': st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        'name': st.one_of(st.sampled_from(['default', 'apps', '1apps', 'a-b_c', 'n' * 33]), ANY),
                        'ips': st.one_of(
                            st.lists(
                                st.one_of(
                                    st.sampled_from(
                                        ['10.0.0.1', '10.0.0.1/16', '0.0.0.0/0', '10.0.0.0/33', '::1', '1.2.3', '']
                                    ),
                                    NASTY_TEXT,
                                ),
                                max_size=3,
                            ),
                            ANY,
                        ),
                    }
                ),
                max_size=3,
            ),
            ANY,
        ),
        'purge': BOOLEAN,
        'state': choice(['present', 'absent']),
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
    },
    'jcs_redis_config': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-', 'REDIS-ABC', 'redis-abc def']), ANY),
        'instance_name': st.one_of(st.sampled_from(['input_00002', 'x', 'input']), ANY),
        'parameters': st.one_of(st.dictionaries(PARAMETER_NAMES, PARAMETER_VALUES, max_size=3), ANY),
        'reset_unlisted': BOOLEAN,
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
    },
    'jcs_redis_disabled_commands': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-', 'REDIS-ABC']), ANY),
        'instance_name': st.one_of(st.sampled_from(['input_00002', 'x', 'input']), ANY),
        'commands': st.one_of(
            st.lists(
                st.one_of(
                    st.sampled_from(['FLUSHALL', 'keys', 'FlushDB', 'FLUSHAL', 'SHUTDOWN', 'CONFIG ', '']), NASTY_TEXT
                ),
                max_size=3,
            ),
            ANY,
        ),
        'purge': BOOLEAN,
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
    },
    'jcs_redis_tls': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-', 'REDIS-ABC']), ANY),
        'instance_name': st.one_of(st.sampled_from(['input_00002', 'x', 'input']), ANY),
        'enabled': BOOLEAN,
        'type': choice(['standard', 'gm']),
        'versions': st.one_of(
            st.lists(st.one_of(st.sampled_from(['TLSv1.2', '1.3', 'tlsv1.1', 'SSLv3', '']), NASTY_TEXT), max_size=3),
            ANY,
        ),
        'renew_certificate_before_days': NUMBER,
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
    },
    'jcs_redis_backup_policy': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-', 'REDIS-ABC']), ANY),
        'auto_backup': BOOLEAN,
        'backup_days': st.one_of(
            st.lists(
                st.one_of(st.sampled_from(['mon', 'Sunday', 'FRIDAY', 'Mo', 'Funday', '']), NASTY_TEXT), max_size=4
            ),
            ANY,
        ),
        'backup_window': st.one_of(
            st.sampled_from(
                ['01:00-02:00', '17:00-18:00 +0000', '1:30-2:30', '01:00-01:00', '24:00-01:00', '01:00-02:00 +1500']
            ),
            ANY,
        ),
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
    },
    'jcs_redis_backup': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-']), ANY),
        'name': st.one_of(st.sampled_from(['nightly', 'bad-name', 'x' * 33, '']), ANY),
        'backup_id': st.one_of(st.sampled_from(['a607efba-ff06-4d78-ba3c-b3119fce27fd', '../x', 'x' * 100]), ANY),
        'state': choice(['present', 'restored', 'absent']),
        'wait': BOOLEAN,
        'wait_timeout': NUMBER,
    },
    'jcs_redis_backup_info': {
        'instance_id': st.one_of(st.sampled_from(['redis-abcdefghijkl', 'redis-']), ANY),
        'backup_id': st.one_of(st.sampled_from(['a607efba-ff06-4d78-ba3c-b3119fce27fd', 'a/b']), ANY),
        'name': ANY,
        'start_time': st.one_of(
            st.sampled_from(
                ['2024-05-01', '2024-05-01T08:00:00Z', 'yesterday', '2024-13-01', '0001-01-01T00:00:00+01:00']
            ),
            ANY,
        ),
        'end_time': st.one_of(
            st.sampled_from(['2024-05-31', '2024-05-01 16:00:00+08:00', '0', '9999-12-31T23:00:00-02:00']), ANY
        ),
    },
}
# Combinations that cannot all hold at once; each names the options involved.
IMPOSSIBLE = {
    'jcs_redis_instance': [
        dict(charge_unit='year'),
        dict(charge_mode='prepaid_by_duration'),
        dict(charge_mode='prepaid_by_duration', charge_unit='year', charge_duration=5),
        dict(password='', allow_passwordless=False),
        dict(instance_id='redis-doesnotexist1'),
        dict(state='absent', instance_id='redis-!!'),
        dict(name=None, instance_id=None),
        dict(wait_timeout=0),
        dict(auto_renew=True),
        dict(instance_class='redis.m.small.basic', shard_number=4),
        dict(instance_class='redis.s.small.basic', redis_version='5.0', shard_number=3),
        dict(replica_number=9),
        dict(tags={'k%d' % n: 'v' for n in range(11)}),
    ],
    'jcs_redis_info': [dict(concurrency=0), dict(concurrency=17), dict(name='')],
    'jcs_redis_quota': [dict(min_available=-1), dict(min_available=21)],
    'jcs_redis_instance_class_info': [dict(redis_version='0.0.0.0.1')],
    'jcs_redis_whitelist': [
        dict(state='absent', purge=True),
        dict(state='absent', groups=[dict(name='default')]),
        dict(instance_id='redis-doesnotexist1'),
        dict(instance_id='redis-abcdefghijkl', instance_name='input_00001'),
        dict(groups=[dict(name='apps', ips=['10.0.0.1']), dict(name='apps', ips=['10.0.0.2'])]),
        dict(wait_timeout=0),
    ],
    'jcs_redis_config': [
        dict(parameters={'maxmemory': '1gb'}),
        dict(parameters={'slowlog-log-slower-than': 10**6}),
        dict(parameters={'notify-keyspace-events': 'KEt'}),
        dict(instance_id='redis-doesnotexist1'),
        dict(instance_id='redis-abcdefghijkl', instance_name='input_00001'),
        dict(wait_timeout=0),
    ],
    'jcs_redis_backup_policy': [
        dict(backup_days=['Monday'], backup_window='01:00-01:00'),
        dict(auto_backup=True, backup_days=[]),
        dict(instance_id='redis-doesnotexist1', instance_name=None),
        dict(wait_timeout=0),
    ],
    'jcs_redis_disabled_commands': [
        dict(commands=['FLUSHAL']),
        dict(commands=['MEMORY', 'nope']),
        dict(instance_id='redis-doesnotexist1', instance_name=None),
        dict(wait_timeout=0),
    ],
    'jcs_redis_tls': [
        dict(enabled=True),
        dict(type='gm', versions=['TLSv1.2']),
        dict(enabled=False, renew_certificate_before_days=30),
        dict(renew_certificate_before_days=365),
        dict(instance_id='redis-doesnotexist1', instance_name=None),
    ],
    'jcs_redis_backup': [
        dict(state='restored', backup_id='a607efba-ff06-4d78-ba3c-b3119fce27fd', name=None),
        dict(state='present', name=None),
        dict(backup_id='x/y', state='restored', name=None),
        dict(instance_id='redis-doesnotexist1', instance_name=None),
        dict(wait_timeout=0),
    ],
    'jcs_redis_backup_info': [
        dict(start_time='2024-05-02', end_time='2024-05-01'),
        dict(backup_id='a/b'),
        dict(instance_id='redis-doesnotexist1', instance_name=None),
    ],
}
UNKNOWN_OPTIONS = st.sampled_from(['passwd', 'regionId', 'Name', 'endpoint_url', '_ansible_bogus', 'name '])
# A complete, valid request of each module, which the generated options then spoil.
BASE = {
    'jcs_redis_instance': dict(INSTANCE_REQUEST, name='input_one', password=PASSWORD),
    'jcs_redis_info': {},
    'jcs_redis_quota': {},
    'jcs_redis_instance_class_info': {},
    # the instance the emulator is seeded with before each example
    'jcs_redis_whitelist': dict(instance_name='input_00001', groups=[dict(name='apps', ips=['10.0.0.0/24'])]),
    'jcs_redis_config': dict(instance_name='input_00001', parameters={'maxmemory-policy': 'allkeys-lru'}),
    'jcs_redis_backup_policy': dict(instance_name='input_00001', backup_days=['Monday'], backup_window='01:00-02:00'),
    'jcs_redis_disabled_commands': dict(instance_name='input_00001', commands=['FLUSHALL', 'keys']),
    # the seeded instance runs Redis 4.0, which has no TLS: only enabled: false is accepted
    'jcs_redis_tls': dict(instance_name='input_00001', enabled=False),
    'jcs_redis_backup': dict(instance_name='input_00001', name='input_backup'),
    'jcs_redis_backup_info': dict(instance_name='input_00001'),
}
# What AnsibleModule itself says about a missing required option, for `required` / `required_one_of`.
REQUIRED = {
    'jcs_redis_instance': ('region', 'instance_id', 'name'),
    'jcs_redis_info': ('region',),
    'jcs_redis_quota': ('region',),
    'jcs_redis_instance_class_info': ('region',),
    'jcs_redis_whitelist': ('region', 'instance_id', 'instance_name'),
    'jcs_redis_config': ('region', 'instance_id', 'instance_name'),
    'jcs_redis_backup_policy': ('region', 'instance_id', 'instance_name'),
    'jcs_redis_disabled_commands': ('region', 'instance_id', 'instance_name', 'commands'),
    'jcs_redis_tls': ('region', 'instance_id', 'instance_name'),
    'jcs_redis_backup': ('region', 'instance_id', 'instance_name', 'name', 'backup_id'),
    'jcs_redis_backup_info': ('region', 'instance_id', 'instance_name'),
}
MISSING = object()
# Cases that once slipped through, run before the generated ones in every run, short or soak.
EXPLICIT = {
    'jcs_redis_instance': [
        dict(name=None, instance_id=None),
        dict(vpc_id='../../../etc/passwd'),
        dict(subnet_id='vpc-input0001'),
        dict(master_az='cn-south-1a'),
        dict(region='cn-east-1'),
        dict(endpoint='https://[::1'),
        # found by the soak: a timeout beyond time_t overflowed in the socket layer
        dict(api_timeout=13981179027.0),
        dict(api_retries=10**9),
        # found by the soak too: infinity escaped ansible-core's int check as OverflowError
        dict(api_timeout=float('inf'), access_key='WRONGACCESSKEY000000000000000000'),
        dict(instance_class='redis.s.small.basic', redis_version='5.0'),
        dict(tags={'jdc-owner': 'x'}),
        dict(tags={'team': ['a']}),
        dict(tag_endpoint='ftp://127.0.0.1:1'),
        dict(shard_number=0),
    ],
    'jcs_redis_info': [
        dict(access_key='\u4e00'),
        dict(access_key='AK\r\nX-Injected: 1'),
        dict(tags={'team': {'a': 'b'}}),
    ],
    'jcs_redis_quota': [dict(endpoint='https://[::1'), dict(access_key='AK\nX-Injected: 1')],
    'jcs_redis_instance_class_info': [dict(redis_version='9.9'), dict(access_key='\u4e00\u4e01')],
    'jcs_redis_whitelist': [
        dict(groups=[dict(name='apps', ips=['10.0.0.0/33'])]),
        dict(groups=[dict(name='apps\n', ips=['10.0.0.1'])]),
        dict(groups=[dict(name='apps', ips=['10.0.0.1\n,'])]),
        dict(instance_name='x'),
    ],
    'jcs_redis_config': [
        dict(parameters={'notify-keyspace-events': True}),
        dict(parameters={'maxmemory-policy': None}),
        dict(parameters={'x' * 300: 1}),
        dict(parameters={'hash-max-ziplist-entries': float('nan')}),
        dict(parameters={'slowlog-log-slower-than': '9' * 400}),
        dict(parameters='maxmemory-policy=allkeys-lru'),
        # found by a longer run: a null instance_name passed required_one_of and listed by no name
        dict(instance_name=None, parameters={'maxmemory': '1gb'}),
    ],
    'jcs_redis_backup_policy': [
        dict(backup_days=[]),
        dict(backup_window='01:00-02:00\n'),
        dict(auto_backup=False, backup_window='x' * 10000),
    ],
    'jcs_redis_backup': [
        dict(state='restored', name=None),
        # found by a longer run: a null name passed required_if and createBackup was sent without a file name
        dict(state='present', name=None),
        dict(state='restored', name='no_such_backup'),
        dict(backup_id='a607efba-ff06-4d78-ba3c-b3119fce27fd'),
    ],
    'jcs_redis_backup_info': [
        dict(start_time='2024-05-02', end_time='2024-05-01'),
        dict(instance_id='redis-doesnotexist1', instance_name=None),
    ],
    'jcs_redis_disabled_commands': [
        dict(commands=['FLUSH ALL']),
        dict(commands=[None]),
        dict(commands='FLUSHALL,KEYS'),
        dict(commands=['x' * 300]),
    ],
    'jcs_redis_tls': [
        dict(enabled=True, versions=['TLSv1.2']),
        dict(versions=['tls\n1.2']),
        dict(renew_certificate_before_days=-1),
    ],
}


@st.composite
def arguments(draw, module):
    options = dict(COMMON)
    options.update(MODULE_OPTIONS[module])
    chosen = draw(st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True))
    # The endpoint is never left out: its default is the real JD Cloud API.
    spoiled = {
        name: draw(options[name] if name == 'endpoint' else st.one_of(options[name], st.just(MISSING)))
        for name in chosen
    }
    if draw(st.integers(0, 4)) == 0:
        spoiled.update(draw(st.sampled_from(IMPOSSIBLE[module])))
    if draw(st.integers(0, 9)) == 0:
        spoiled[draw(UNKNOWN_OPTIONS)] = draw(ANY)
    return spoiled


def mentions(message, option):
    return re.search(r'(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])' % re.escape(option.strip()), message) is not None


@pytest.fixture(scope='module')
def input_emulator():
    server = RunningEmulator(quota=50)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize('module', MODULES)
def test_generated_arguments(module, input_emulator):
    emu = input_emulator
    seen = dict(examples=0, rejected=0, accepted=0, tracebacks=0, refused_writes=0)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(spoiled=arguments(module))
    def check(spoiled):
        emu.admin.reset(state=True)
        if module in (
            'jcs_redis_whitelist',
            'jcs_redis_config',
            'jcs_redis_backup_policy',
            'jcs_redis_backup',
            'jcs_redis_backup_info',
            'jcs_redis_disabled_commands',
            'jcs_redis_tls',
        ):
            emu.admin.seed(1, name_prefix='input')  # input_00001, running
        args = emu.connection(**BASE[module])
        for name, value in spoiled.items():
            if value is MISSING:
                args.pop(name, None)
            else:
                args[name] = value
        run = run_module(module, args)
        writes = emu.writes()
        seen['examples'] += 1
        if 'Traceback' in run.stdout + run.stderr or run.result.get('unparsed'):
            seen['tracebacks'] += 1
        assert_clean_run(run, '%s %r' % (module, args))
        if not run.failed:
            seen['accepted'] += 1
            return
        seen['rejected'] += 1
        seen['refused_writes'] += writes
        msg = run.result['msg']
        named = [name for name in list(spoiled) + list(REQUIRED[module]) if mentions(msg, name)]
        assert named, 'the failure names none of the options given %s: %s' % (sorted(spoiled), msg)
        assert writes == 0, '%d write calls reached the API for input it refused (%s): %s\nrequests: %s' % (
            writes,
            sorted(spoiled),
            msg,
            [(e['operation'], e['status']) for e in emu.admin.requests()],
        )

    for case in EXPLICIT[module]:
        check = example(spoiled=case)(check)
    try:
        check()
    finally:
        FIGURES.add(SUITE, 'modules covered', 1)
        FIGURES.add(SUITE, 'examples run', seen['examples'])
        FIGURES.add(SUITE, 'rejected with a message naming the option', seen['rejected'])
        FIGURES.add(SUITE, 'accepted (clean result)', seen['accepted'])
        FIGURES.add(SUITE, 'tracebacks', seen['tracebacks'])
        FIGURES.add(SUITE, 'write calls for refused input', seen['refused_writes'])


# Values the 4.0 instance accepts, so that the accepted path is exercised as often as the refusals.
GOOD_PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        'maxmemory-policy': st.sampled_from(['allkeys-lru', 'NOEVICTION', 'volatile-lfu']),
        'notify-keyspace-events': st.text(alphabet='KEg$lshzxeA', max_size=6),
        'slowlog-log-slower-than': st.one_of(st.integers(0, 10000), st.integers(0, 10000).map(str)),
        'list-max-ziplist-size': st.integers(-5, 10000).map(lambda n: ' %d' % n),
        'hash-max-ziplist-entries': st.integers(0, 10000),
    },
)


@st.composite
def parameter_sets(draw):
    good = draw(GOOD_PARAMETERS)
    if draw(st.booleans()) or not good:
        good.update(draw(st.dictionaries(PARAMETER_NAMES, PARAMETER_VALUES, min_size=1, max_size=2)))
    return good


def option_in(message, name):
    """Whether ``message`` names the parameter ``name`` (a long name is cut short, as its repr)."""
    return ('parameters.' + (name if len(name) <= 60 else repr(name)[:40])) in message


def test_generated_engine_parameters(input_emulator):
    """Names and values only, on a running 4.0 instance: refused with the name of a parameter given and
    no write, or accepted, held by the API, and unchanged on a re-run that costs one call."""
    emu = input_emulator
    seen = dict(examples=0, refused=0, accepted=0)

    @settings(max_examples=EXAMPLES * 2, deadline=None, database=None, derandomize=True)
    @given(parameters=parameter_sets())
    def check(parameters):
        emu.admin.reset(state=True)
        emu.admin.seed(1, name_prefix='input')
        args = emu.connection(instance_name='input_00001', parameters=parameters)
        run = run_module('jcs_redis_config', args)
        assert_clean_run(run, repr(parameters))
        seen['examples'] += 1
        if run.failed:
            seen['refused'] += 1
            msg = run.result['msg']
            assert run.result['error']['status'] == 'INVALID_ARGUMENT', run.result
            assert any(option_in(msg, name) for name in parameters), msg
            assert emu.writes() == 0, msg
            return
        seen['accepted'] += 1
        emu.admin.reset(state=False)
        args.pop('instance_name')
        again = run_module('jcs_redis_config', dict(args, instance_id=run.result['instance_id']))
        assert not again.failed and not again.changed, (parameters, again.result)
        assert emu.calls() == {'describeInstanceConfig': 1}
        assert again.result['config'] == run.result['config']

    try:
        check()
    finally:
        FIGURES.add(SUITE, 'engine parameter sets run', seen['examples'])
        FIGURES.add(SUITE, 'engine parameter sets refused naming a parameter, no write', seen['refused'])
        FIGURES.add(SUITE, 'engine parameter sets accepted, then unchanged in one call', seen['accepted'])


LONG = 'x' * 5000
# One over-long value per option that a refusal repeats: the message names the option and shows the start of the
# value and its length, never the whole of it.
LONG_VALUES = [
    ('jcs_redis_quota', dict(region=LONG), 'region'),
    # the shape of a region ID, but far longer than any: refused before it is sent in a request path
    ('jcs_redis_info', dict(region='cn-' + LONG[3:]), 'region'),
    ('jcs_redis_quota', dict(endpoint='http://127.0.0.1:1/' + LONG[19:]), 'endpoint'),
    ('jcs_redis_instance_class_info', dict(redis_version=LONG), 'redis_version'),
    ('jcs_redis_info', dict(redis_version=LONG), 'redis_version'),
    ('jcs_redis_instance', dict(instance_id=LONG), 'instance_id'),
    ('jcs_redis_instance', dict(vpc_id=LONG), 'vpc_id'),
    ('jcs_redis_instance', dict(master_az=LONG), 'master_az'),
    ('jcs_redis_instance', dict(tags={LONG: 'v'}), 'tags'),
    ('jcs_redis_whitelist', dict(instance_name=MISSING, instance_id=LONG), 'instance_id'),
    ('jcs_redis_whitelist', dict(groups=[dict(name=LONG, ips=['10.0.0.1'])]), 'groups[0].name'),
    ('jcs_redis_whitelist', dict(groups=[dict(name='apps', ips=[LONG])]), 'groups[0].ips'),
    ('jcs_redis_config', dict(instance_name=LONG), 'instance_name'),
    ('jcs_redis_config', dict(parameters={LONG: 1}), 'parameters.'),
    ('jcs_redis_config', dict(parameters={'maxmemory-policy': LONG}), 'parameters.maxmemory-policy'),
    ('jcs_redis_backup_policy', dict(backup_window=LONG), 'backup_window'),
    ('jcs_redis_backup_policy', dict(backup_days=[LONG]), 'backup_days'),
    ('jcs_redis_backup', dict(name=LONG), 'name'),
    ('jcs_redis_backup', dict(state='restored', name=MISSING, backup_id=LONG), 'backup_id'),
    ('jcs_redis_backup_info', dict(name=LONG), 'name'),
    ('jcs_redis_backup_info', dict(start_time=LONG), 'start_time'),
]


@pytest.mark.parametrize(('module', 'spoiled', 'option'), LONG_VALUES, ids=lambda v: v if isinstance(v, str) else '')
def test_a_long_value_is_cut_in_the_message(module, spoiled, option, input_emulator):
    emu = input_emulator
    emu.admin.reset(state=True)
    emu.admin.seed(1, name_prefix='input')
    args = dict(emu.connection(**BASE[module]), **spoiled)
    args = {name: value for name, value in args.items() if value is not MISSING}
    run = run_module(module, args)
    assert_clean_run(run, module)
    assert run.failed, run.result
    msg = run.result['msg']
    assert option in msg, msg
    assert 'x' * 100 not in msg and len(msg) < 1500, msg[:300]
    assert '5000 characters' in msg, msg[:300]
    assert emu.writes() == 0
