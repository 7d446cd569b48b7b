"""The pure parts of the settings components, in process: validation, planners, parsers, normalisers and the
pagers' arithmetic. No HTTP: the behaviour over HTTP is tested per module against the emulator."""

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import (
    PAGE_SIZE,
    Refusal,
    backup_to_result,
    instance_to_result,
    page_count,
    read_growing,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import (
    BackupPolicy,
    normalise_policy,
    parse_days,
    parse_window,
    schedule_key,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._parameters import Catalogue, Config, parse_buffer
from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import Tags, has_tags, tag_filters
from ansible_collections.jdcloud.cloud.plugins.module_utils._whitelist import Whitelist, normalise, parse_ips, render

WL = Whitelist()
POLICY = BackupPolicy()
CONFIG = Config()
TAGS = Tags()


def wl_wanted(groups, state='present', purge=False):
    return WL.validate(dict(groups=groups, state=state, purge=purge))


# -- white list ---------------------------------------------------------------------------------


def test_whitelist_addresses_compare_as_networks():
    assert render(parse_ips(['10.0.0.1/16', ' 10.0.0.0/16', '192.168.0.10,192.168.0.10/32'])) == [
        '10.0.0.0/16',
        '192.168.0.10',
    ]
    with pytest.raises(ValueError, match='not an IPv4 address'):
        parse_ips(['10.0.0.300'])


def test_whitelist_normalise_keeps_what_it_cannot_read():
    assert normalise([dict(name='default', ips='0.0.0.0/0'), dict(name='odd', ips='fe80::1, 10.0.0.1')]) == [
        dict(name='default', ips=['0.0.0.0/0']),
        dict(name='odd', ips=['fe80::1', '10.0.0.1']),
    ]


@pytest.mark.parametrize(
    'wanted, message',
    [
        (dict(groups=[], state='absent', purge=True), 'purge only applies with state=present'),
        (dict(groups=[dict(name='1x', ips=['10.0.0.1'])]), 'groups[0].name must be 1 to 32'),
        (dict(groups=[dict(name='a', ips=['10.0.0.1'])] * 2), "groups[1].name: the group 'a' is listed more than once"),
        (dict(groups=[dict(name='default', ips=None)], state='absent'), "the 'default' group cannot be removed"),
        (dict(groups=[dict(name='a', ips=[])]), 'groups[0].ips is required with state=present'),
        (dict(groups=[dict(name='a', ips=['x'])]), 'groups[0].ips: '),
    ],
)
def test_whitelist_refusals_name_the_option(wanted, message):
    wanted = dict(dict(state='present', purge=False), **wanted)
    with pytest.raises(Refusal) as refused:
        WL.validate(wanted)
    assert message in refused.value.message and refused.value.status == 'INVALID_ARGUMENT'


def test_whitelist_plan_adds_and_changes_before_deleting():
    current = [dict(name='default', ips=['0.0.0.0/0']), dict(name='old', ips=['10.9.0.0/16'])]
    plan = WL.plan(
        current, wl_wanted([dict(name='default', ips=['10.0.0.0/16']), dict(name='new', ips=['10.1.0.1'])], purge=True)
    )
    assert plan.writes == [
        ('modify', 'default', ['10.0.0.0/16']),
        ('add', 'new', ['10.1.0.1']),
        ('delete', 'old', None),
    ]
    assert plan.after == [dict(name='default', ips=['10.0.0.0/16']), dict(name='new', ips=['10.1.0.1'])]
    assert plan.changes == ['default', 'new', 'old']
    assert WL.plan(plan.after, wl_wanted([dict(name='new', ips=['10.1.0.1/32'])])).writes == []
    assert not plan.warnings  # nothing admits every address any more
    assert 'admits every address' in WL.plan(current, wl_wanted([])).warnings[0]
    assert 'host bits set' in WL.plan(current, wl_wanted([dict(name='a', ips=['10.0.0.5/24'])])).warnings[0]


def test_whitelist_holds_tells_a_lost_answer_that_went_through():
    current = [dict(name='default', ips=['10.0.0.0/16'])]
    assert WL.holds(current, ('modify', 'default', ['10.0.0.0/16']))
    assert not WL.holds(current, ('add', 'apps', ['10.1.0.0/16']))
    assert WL.holds(current, ('delete', 'apps', None))


# -- backup policy ------------------------------------------------------------------------------


def test_days_and_windows_parse_in_any_form():
    assert parse_days(['sun', 'Monday', 'MON']) == ['Monday', 'Sunday']
    assert parse_window('1:00-2:00') == (60, 120, 480)
    assert parse_window('17:00-18:00 UTC') == (1020, 1080, 0)
    with pytest.raises(ValueError):
        parse_window('01:30-02:00')
    # the same moments of the week written in two zones
    assert schedule_key(['Monday'], '01:00-02:00 +0800') == schedule_key(['Sunday'], '17:00-18:00 +0000')


def test_policy_normalise_reads_an_old_policy_without_auto_backup():
    assert normalise_policy(dict(backupPeriod='Monday,Sunday', backupTime='01:00-02:00 +0800'))['auto_backup']
    assert not normalise_policy(dict())['auto_backup']


def policy_wanted(auto=None, days=None, window=None):
    return POLICY.validate(dict(auto_backup=auto, backup_days=days, backup_window=window))


CURRENT_POLICY = dict(
    auto_backup=True, backup_days=['Monday'], backup_window='01:00-02:00 +0800', next_backup_window='x'
)


def test_policy_plan_compares_schedules_whatever_their_zone():
    assert POLICY.plan(CURRENT_POLICY, policy_wanted(days=['Sun'], window='17:00-18:00 +0000')).writes == []
    plan = POLICY.plan(CURRENT_POLICY, policy_wanted(days=['Tue']))
    assert plan.changes == ['backup_days'] and plan.after['next_backup_window'] is None
    assert plan.writes == [plan.after] and POLICY.holds(dict(plan.after), plan.writes[0])
    assert POLICY.plan(CURRENT_POLICY, policy_wanted(auto=False)).changes == ['auto_backup']


def test_policy_refusals():
    with pytest.raises(Refusal, match='backup_days must name at least one weekday'):
        policy_wanted(days=[])
    with pytest.raises(Refusal, match='backup_window must be HH:MM-HH:MM'):
        policy_wanted(window='1-2')
    off = dict(auto_backup=False, backup_days=[], backup_window=None, next_backup_window=None)
    with pytest.raises(Refusal, match='set backup_days and backup_window to turn automatic backups on'):
        POLICY.plan(off, policy_wanted(auto=True))
    assert POLICY.plan(off, policy_wanted(auto=False)).writes == []


# -- engine parameters ---------------------------------------------------------------------------

CATALOGUE = Catalogue(
    dict(
        instanceConfig=[
            dict(
                configName='maxmemory-policy',
                configValue='volatile-lru',
                configValueType='string',
                configValueOptional=['volatile-lru', 'allkeys-lru'],
                configDefaultValue='volatile-lru',
            ),
            dict(
                configName='hash-max-ziplist-entries',
                configValue='512',
                configValueType='int',
                configValueMin=1,
                configValueMax=10000,
                configDefaultValue='512',
            ),
            dict(
                configName='notify-keyspace-events',
                configValue='',
                configValueType='byteArray',
                configValueOptional=list('KEg$lshzxeA'),
                configDefaultValue='',
            ),
        ],
        unSupportConfigs=['maxmemory'],
    ),
    'redis-abcdefgh1234',
)


def config_wanted(parameters, reset_unlisted=False):
    return CONFIG.validate(dict(parameters=parameters, reset_unlisted=reset_unlisted))


def test_config_plan_normalises_values():
    plan = CONFIG.plan(CATALOGUE, config_wanted({'maxmemory-policy': 'ALLKEYS-LRU', 'hash-max-ziplist-entries': '512'}))
    assert plan.writes == [{'maxmemory-policy': 'allkeys-lru'}] and plan.changes == ['maxmemory-policy']
    assert CONFIG.diff(CATALOGUE, plan) == ({'maxmemory-policy': 'volatile-lru'}, {'maxmemory-policy': 'allkeys-lru'})
    assert plan.after['hash-max-ziplist-entries'] == '512'


def test_config_refusals_name_the_parameter():
    with pytest.raises(Refusal, match='parameters.x must be a string or a number, got a boolean'):
        config_wanted({'x': True})
    with pytest.raises(Refusal, match='instance redis-abcdefgh1234 does not support setting this parameter'):
        CONFIG.plan(CATALOGUE, config_wanted({'maxmemory': 1}))
    with pytest.raises(Refusal, match=r'hash-max-ziplist-entries \(int\) must be between 1 and 10000'):
        CONFIG.plan(CATALOGUE, config_wanted({'hash-max-ziplist-entries': 0}))


def test_config_reset_unlisted_and_holds():
    changed = Catalogue(
        dict(instanceConfig=[dict(CATALOGUE.items['maxmemory-policy'], configValue='allkeys-lru')]), 'redis-x'
    )
    plan = CONFIG.plan(changed, config_wanted({}, reset_unlisted=True))
    assert plan.writes == [{'maxmemory-policy': 'volatile-lru'}]
    assert CONFIG.holds(CATALOGUE, plan.writes[0]) and not CONFIG.holds(changed, plan.writes[0])


def test_output_buffer_parses_units_and_aliases():
    assert parse_buffer('replica 1kb 1k 60') == {'slave': (1024, 1000, 60)}
    with pytest.raises(ValueError, match='unknown client class'):
        parse_buffer('master 1 1 1')


# -- tags ----------------------------------------------------------------------------------------


def test_tags_plan_removes_first_and_counts_the_limit():
    wanted = TAGS.validate(dict(tags=dict(env='prod', n=1), purge_tags=True))
    plan = TAGS.plan(dict(env='dev', old='x'), wanted)
    assert plan.writes == [('untag', dict(old='x')), ('tag', dict(env='prod', n='1'))]
    assert plan.after == dict(env='prod', n='1') and plan.changes == ['tags']
    assert TAGS.holds(plan.after, plan.writes[0]) and TAGS.holds(plan.after, plan.writes[1])
    assert TAGS.plan(dict(a='1'), TAGS.validate(dict(tags=None, purge_tags=True))).writes == []
    too_many = {f'k{n}': 'v' for n in range(10)}
    with pytest.raises(Refusal, match='would have 11 tags'):
        TAGS.plan(too_many, TAGS.validate(dict(tags=dict(extra='v'), purge_tags=False)))
    with pytest.raises(Refusal, match='JD Cloud keeps for its own tags'):
        TAGS.validate(dict(tags={'jdc-owner': 'x'}, purge_tags=False))


def test_one_tag_filter_rule():
    filters = tag_filters(dict(team='payments', env=['prod', 1], on=True))
    assert filters == [
        dict(key='team', values=['payments']),
        dict(key='env', values=['prod', '1']),
        dict(key='on', values=['true']),
    ]
    assert has_tags(dict(tags=dict(team='payments', env='1', on='true')), filters)
    assert not has_tags(dict(tags=dict(team='payments')), filters)
    with pytest.raises(ValueError, match='tags.team must be a tag value or a non-empty list of tag values'):
        tag_filters(dict(team={'a': 1}))
    with pytest.raises(ValueError, match='tags must map non-empty keys to tag values'):
        tag_filters({'': 'x'})


# -- shapes and pagers ----------------------------------------------------------------------------


def test_result_shapes():
    instance = instance_to_result(dict(cacheInstanceId='redis-1', tags=[dict(key='a', value='b')], auth=1), 'r')
    assert instance['id'] == 'redis-1' and instance['tags'] == dict(a='b') and instance['auth_enabled']
    assert instance['description'] == '' and instance['region'] == 'r'
    backup = backup_to_result(dict(baseId='b1', backupStatus=2, backupType=1))
    assert (backup['status'], backup['type'], backup['end_time']) == ('success', 'manual', None)


def test_page_count():
    assert [page_count(n) for n in (0, 1, PAGE_SIZE, PAGE_SIZE + 1)] == [1, 1, 1, 2]


def test_growing_listing_reads_again_while_the_total_moves():
    items = [dict(id=str(n)) for n in range(150)]
    calls = []

    def fetch(number):
        calls.append(number)
        if len(calls) == 2:  # a backup arrives at the head between the two pages of the first read
            items.insert(0, dict(id='new'))
        start = (number - 1) * PAGE_SIZE
        return items[start : start + PAGE_SIZE], len(items) if len(calls) != 1 else 150

    found, settled = read_growing(fetch, lambda item: item['id'])
    assert settled and [i['id'] for i in found] == [i['id'] for i in items]
    assert calls == [1, 2, 1, 2]
