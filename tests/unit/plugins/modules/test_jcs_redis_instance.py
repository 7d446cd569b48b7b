"""jcs_redis_instance run for real against the emulator over HTTP."""

from __future__ import annotations

import ast
import json
import pathlib

import pytest
import yaml
from emulator_fixtures import INSTANCE_PASSWORD
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

MODULE = 'jcs_redis_instance'
PASSWORD = INSTANCE_PASSWORD
NEW_PASSWORD = 'N3wSecretPass'


def instances_named(emulator, name):
    found = run_module('jcs_redis_info', emulator.connection(name=name))
    assert not found.failed, found.result
    return found.result['instances']


def create(emulator, **extra):
    run = run_module(MODULE, emulator.instance_args(**extra))
    assert not run.failed, run.result
    return run.result['instance']


def assert_no_secret(run):
    for text in (run.stdout, run.stderr):
        assert PASSWORD not in text
        assert NEW_PASSWORD not in text
        assert 'EMULATORSECRETKEY' not in text


# -- validation: clear errors before any call ------------------------------------------


@pytest.mark.parametrize(
    'extra, option',
    [
        (dict(name='bad-name'), 'name'),
        (dict(name='x'), 'name'),
        (dict(name='n' * 33), 'name'),
        # $ in a pattern would let a final newline through
        (dict(name='good_name\n'), 'name'),
        (dict(name='\u4e00\u9fa6'), 'name'),  # one past the last Chinese character the API allows
        (dict(instance_id='redis-abc123\n'), 'instance_id'),
        (dict(access_key='EMULATORACCESSKEY0000000000000001\n'), 'access_key'),
        (dict(description='d' * 257), 'description'),
        (dict(password='short1'), 'password'),
        (dict(password='lettersonlypass'), 'password'),
        (dict(password='has space 123'), 'password'),
        (dict(password=''), 'password'),
        (dict(redis_version='latest'), 'redis_version'),
        (dict(charge_mode='prepaid_by_duration'), 'charge_duration'),
        (dict(charge_mode='prepaid_by_duration', charge_duration=10), 'charge_duration'),
        (dict(charge_mode='prepaid_by_duration', charge_unit='year', charge_duration=4), 'charge_duration'),
        (dict(charge_unit='month'), 'charge_unit'),
        (dict(instance_id='redis-../../quota'), 'instance_id'),
        (dict(wait_timeout=0), 'wait_timeout'),
        (dict(region='North China'), 'region'),
        (dict(vpc_id='vpc_0001'), 'vpc_id'),
        (dict(subnet_id='SUBNET-0001'), 'subnet_id'),
        (dict(master_az='cn-east-1a'), 'master_az'),
        (dict(slave_az='cn-north-1-b'), 'slave_az'),
        (dict(master_az='cn-north-1a\n'), 'master_az'),
        (dict(name=None), 'name'),
        (dict(endpoint='https://[::1'), 'endpoint'),
        (dict(endpoint='ftp://127.0.0.1'), 'endpoint'),
        (dict(access_key='AK\r\nX-Injected: 1'), 'access_key'),
        (dict(access_key='\u4eac\u4e1c'), 'access_key'),
        (dict(ca_path='/nonexistent/ca.pem'), 'ca_path'),
        (dict(api_timeout=13981179027), 'api_timeout'),  # beyond time_t: overflowed in the socket layer
        (dict(api_timeout=0), 'api_timeout'),
        (dict(api_retries=101), 'api_retries'),
        (dict(api_retries=-1), 'api_retries'),
        # ansible-core's int check raises OverflowError for infinity (ansible/ansible#87253)
        (dict(api_timeout=float('inf')), 'api_timeout'),
        (dict(wait_timeout='inf'), 'wait_timeout'),
        (dict(charge_duration='-Infinity'), 'charge_duration'),
        (dict(redis_version='9.9'), 'redis_version'),
    ],
)
def test_invalid_options_fail_before_any_write(emulator, extra, option):
    run = run_module(MODULE, emulator.instance_args(**extra))
    assert run.failed
    assert option in run.result['msg']
    assert 'Traceback' not in run.stdout + run.stderr
    # Only a version unknown to the region needs the API to tell (describeInstanceClass, a read), and a zone
    # of another region one read that proves the region known before the zone is blamed (describeUserQuota).
    reads = {'redis_version': 0 if extra.get('redis_version') == 'latest' else 2, 'master_az': 1, 'slave_az': 1}
    assert emulator.admin.stats()['total_calls'] == reads.get(option, 0)
    assert emulator.writes() == 0
    assert_no_secret(run)


@pytest.mark.parametrize('missing', ['instance_class', 'vpc_id', 'subnet_id', 'master_az', 'slave_az', 'password'])
def test_create_needs_its_options(emulator, missing):
    args = emulator.instance_args()
    del args[missing]
    run = run_module(MODULE, args)
    assert run.failed
    assert missing in run.result['msg']
    assert emulator.writes() == 0


def test_missing_credentials_name_option_and_variable(emulator):
    args = emulator.instance_args()
    del args['secret_key']
    run = run_module(MODULE, args)
    assert run.failed
    assert 'secret_key' in run.result['msg'] and 'JDCLOUD_SECRET_KEY' in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_credentials_and_endpoint_from_environment(emulator):
    args = emulator.instance_args()
    env = {
        'JDCLOUD_ACCESS_KEY': args.pop('access_key'),
        'JDCLOUD_SECRET_KEY': args.pop('secret_key'),
        'JDCLOUD_REGION': args.pop('region'),
        'JDCLOUD_ENDPOINT': args.pop('endpoint'),
    }
    run = run_module(MODULE, args, env=env)
    assert not run.failed, run.result
    assert run.result['instance']['status'] == 'running'


def test_wrong_secret_key_explains_signature_failure(emulator):
    run = run_module(MODULE, emulator.instance_args(secret_key='not-the-right-secret'))
    assert run.failed
    assert run.result['error']['code'] == 401
    assert run.result['error']['status'] == 'ACCESS_ERROR'
    assert 'secret_key' in run.result['msg'] and 'clock' in run.result['msg']
    assert 'not-the-right-secret' not in run.stdout


def test_class_not_sold_in_region_fails_with_the_choices(emulator):
    run = run_module(MODULE, emulator.instance_args(instance_class='redis.m.huge.basic'))
    assert run.failed
    assert 'instance_class' in run.result['msg'] and 'redis.m.micro.basic' in run.result['msg']
    assert emulator.writes() == 0


# -- create, check mode, idempotency ---------------------------------------------------


def test_check_mode_create_predicts_and_creates_nothing(emulator):
    run = run_module(MODULE, emulator.instance_args(description='hello'), check_mode=True, diff=True)
    assert not run.failed, run.result
    assert run.changed and run.result['changes'] == ['create']
    predicted = run.result['instance']
    assert predicted['id'] is None
    assert predicted['name'] == 'cache_one' and predicted['instance_class'] == 'redis.m.micro.basic'
    assert predicted['memory_mb'] == 1024 and predicted['redis_version'] == '4.0'
    assert run.result['diff']['before'] == {}
    assert run.result['diff']['after']['password'] == '<redacted>'
    assert emulator.writes() == 0
    assert instances_named(emulator, 'cache_one') == []
    assert_no_secret(run)


def test_check_mode_create_checks_quota(emulator):
    emulator.admin.set_quota('cn-north-1', 0)
    run = run_module(MODULE, emulator.instance_args(), check_mode=True)
    assert run.failed
    assert 'quota' in run.result['msg'] and run.result['error']['status'] == 'QUOTA_EXCEEDED'


def test_create_then_rerun_is_unchanged_and_cheap(emulator):
    run = run_module(MODULE, emulator.instance_args(description='first'), diff=True)
    assert not run.failed, run.result
    assert run.changed
    instance = run.result['instance']
    assert instance['status'] == 'running' and instance['id'].startswith('redis-')
    assert instance['description'] == 'first' and instance['auth_enabled'] is True
    assert run.result['order_num'] and run.result['buy_id'].startswith('B')
    assert_no_secret(run)

    emulator.admin.reset(state=False)
    again = run_module(MODULE, emulator.instance_args(instance_id=instance['id'], description='first'))
    assert not again.failed and not again.changed, again.result
    assert again.result['instance'] == instance
    assert emulator.calls() == {'describeCacheInstance': 1}

    emulator.admin.reset(state=False)
    by_name = run_module(MODULE, emulator.instance_args(description='first'))
    assert not by_name.failed and not by_name.changed, by_name.result
    assert emulator.calls() == {'describeCacheInstances': 1}


def test_rerun_with_version_spelled_differently_is_unchanged(emulator):
    create(emulator)
    run = run_module(MODULE, emulator.instance_args(redis_version='4'))
    assert not run.failed and not run.changed, run.result


def test_omitted_options_leave_the_instance_unchanged(emulator):
    instance = create(emulator, description='keep me')
    run = run_module(MODULE, emulator.connection(instance_id=instance['id']))
    assert not run.failed and not run.changed
    assert run.result['instance']['description'] == 'keep me'
    assert emulator.writes() == 1


def test_create_without_password_needs_explicit_intent(emulator):
    args = emulator.instance_args()
    del args['password']
    run = run_module(MODULE, dict(args, allow_passwordless=True))
    assert not run.failed, run.result
    assert run.result['instance']['auth_enabled'] is False


# -- modify ------------------------------------------------------------------------------


def test_rename_and_description(emulator):
    instance = create(emulator)
    run = run_module(
        MODULE, emulator.connection(instance_id=instance['id'], name='cache_two', description='new'), diff=True
    )
    assert not run.failed and run.changed, run.result
    assert sorted(run.result['changes']) == ['description', 'name']
    assert run.result['instance']['name'] == 'cache_two' and run.result['instance']['description'] == 'new'
    assert run.result['diff']['before']['name'] == 'cache_one' and run.result['diff']['after']['name'] == 'cache_two'
    assert emulator.calls()['modifyCacheInstanceAttribute'] == 1
    again = run_module(MODULE, emulator.connection(instance_id=instance['id'], name='cache_two', description='new'))
    assert not again.changed


def test_chinese_names_at_both_ends_of_the_allowed_range(emulator):
    instance = create(emulator)
    name = '\u4e00\u4eac\u4e1c_9\u9fa5'  # the first and the last character the API allows, and ASCII
    run = run_module(MODULE, emulator.connection(instance_id=instance['id'], name=name))
    assert not run.failed and run.changed, run.result
    assert run.result['instance']['name'] == name
    assert not run_module(MODULE, emulator.connection(name=name)).changed


def test_name_without_id_is_a_lookup_not_a_rename(emulator):
    create(emulator)
    run = run_module(MODULE, emulator.connection(name='cache_other', instance_class='redis.m.micro.basic'))
    # No instance has that name, so it would be created, which needs the create options.
    assert run.failed and 'vpc_id' in run.result['msg']


def test_check_mode_modify_changes_nothing(emulator):
    instance = create(emulator)
    run = run_module(
        MODULE,
        emulator.connection(
            instance_id=instance['id'], description='would change', instance_class='redis.m.small.basic'
        ),
        check_mode=True,
        diff=True,
    )
    assert run.changed and sorted(run.result['changes']) == ['description', 'instance_class']
    assert run.result['instance']['instance_class'] == 'redis.m.small.basic'
    assert run.result['instance']['memory_mb'] == run.result['instance']['memory_mb_per_shard'] == 2048
    assert run.result['diff']['before']['instance_class'] == 'redis.m.micro.basic'
    assert emulator.writes() == 1  # the create only
    current = run_module(MODULE, emulator.connection(instance_id=instance['id'])).result['instance']
    assert current['instance_class'] == 'redis.m.micro.basic' and current['description'] == ''


def test_resize_waits_for_the_new_class(emulator):
    instance = create(emulator)
    # the resize stays 'changing' until the module's first read after it has answered: a module that did not
    # wait would report 'changing' and the old class
    emulator.admin.hold('resize')
    emulator.admin.release(after=after('describeCacheInstance', since='modifyCacheInstanceClass'))
    run = run_module(MODULE, emulator.connection(instance_id=instance['id'], instance_class='redis.m.small.basic'))
    assert not run.failed, run.result
    assert run.result['instance']['status'] == 'running'
    assert run.result['instance']['instance_class'] == 'redis.m.small.basic'
    assert run.result['instance']['memory_mb'] == 2048
    assert run.result['order_num']
    assert emulator.calls()['modifyCacheInstanceClass'] == 1


def test_password_reset_only_with_always(emulator):
    instance = create(emulator)
    on_create = run_module(MODULE, emulator.connection(instance_id=instance['id'], password=NEW_PASSWORD))
    assert not on_create.failed and not on_create.changed
    assert emulator.calls().get('resetCacheInstancePassword', 0) == 0

    always = run_module(
        MODULE,
        emulator.connection(instance_id=instance['id'], password=NEW_PASSWORD, update_password='always'),
        diff=True,
    )
    assert not always.failed and always.changed and always.result['changes'] == ['password']
    # ansible-core 2.19 returns warnings as structured summaries; older ones as strings.
    assert 'reset on every run' in json.dumps(always.result.get('warnings', []))
    assert always.result['diff']['after']['password'].startswith('<redacted>')
    assert emulator.calls()['resetCacheInstancePassword'] == 1
    assert_no_secret(always)

    checked = run_module(
        MODULE,
        emulator.connection(instance_id=instance['id'], password=NEW_PASSWORD, update_password='always'),
        check_mode=True,
    )
    assert checked.changed and emulator.calls()['resetCacheInstancePassword'] == 1


def test_immutable_fields_are_refused(emulator):
    instance = create(emulator)
    run = run_module(
        MODULE,
        emulator.instance_args(
            instance_id=instance['id'], vpc_id='vpc-other', redis_version='5.0', master_az='cn-north-1c'
        ),
    )
    assert run.failed
    for option in ('vpc_id', 'redis_version', 'master_az'):
        assert option in run.result['msg']
    assert emulator.writes() == 1


def test_ambiguous_name_is_refused_with_candidates(emulator, sdk_client):
    first = create(emulator)
    sdk_client.create(name='cache_one')
    emulator.admin.reset(state=False)
    run = run_module(MODULE, emulator.instance_args())
    assert run.failed
    assert first['id'] in run.result['msg']
    assert len(run.result['candidates']) == 2
    assert {'id', 'status', 'create_time'} == set(run.result['candidates'][0])
    assert emulator.writes() == 0


def test_fuzzy_name_matches_are_not_the_instance(emulator):
    create(emulator, name='cache_one_old')
    run = run_module(MODULE, emulator.instance_args(name='cache_one'))
    assert not run.failed and run.changed and run.result['changes'] == ['create']


# -- delete ----------------------------------------------------------------------------


def test_check_mode_delete_and_delete(emulator):
    instance = create(emulator)
    emulator.admin.hold('delete')
    emulator.admin.release(after=after('describeCacheInstance', since='deleteCacheInstance'))
    checked = run_module(MODULE, emulator.connection(name='cache_one', state='absent'), check_mode=True, diff=True)
    assert checked.changed and checked.result['diff']['after'] == {'deletion': 'recycle_bin'}
    assert emulator.calls().get('deleteCacheInstance', 0) == 0

    deleted = run_module(MODULE, emulator.connection(name='cache_one', state='absent'))
    assert not deleted.failed and deleted.changed, deleted.result
    assert deleted.result['instance']['id'] == instance['id']
    assert emulator.calls()['deleteCacheInstance'] == 1
    gone = run_module(MODULE, emulator.connection(instance_id=instance['id'], state='absent'))
    assert not gone.failed and not gone.changed


def test_delete_of_missing_instance_is_unchanged(emulator):
    run = run_module(MODULE, emulator.connection(name='never_there', state='absent'))
    assert not run.failed and not run.changed and run.result['instance'] is None
    by_id = run_module(MODULE, emulator.connection(instance_id='redis-aaaaaaaaaaaa', state='absent'))
    assert not by_id.failed and not by_id.changed
    assert emulator.writes() == 0


def test_absent_waits_for_a_creating_instance_then_deletes(emulator):
    emulator.admin.hold('create')
    created = run_module(MODULE, emulator.instance_args(wait=False))
    assert created.result['instance']['status'] == 'creating'
    # running once the module has seen it creating: the delete must wait for that
    emulator.admin.release(after=after('describeCacheInstance'))
    run = run_module(MODULE, emulator.connection(name='cache_one', state='absent'))
    assert not run.failed and run.changed, run.result
    assert instances_named(emulator, 'cache_one') == []


def test_prepaid_instance_is_not_deleted_before_expiry(emulator):
    create(emulator, charge_mode='prepaid_by_duration', charge_duration=1)
    run = run_module(MODULE, emulator.connection(name='cache_one', state='absent'))
    assert run.failed
    assert 'prepaid' in run.result['msg']
    assert emulator.calls().get('deleteCacheInstance', 0) == 0


# -- waiting -----------------------------------------------------------------------------


def test_wait_timeout_reports_last_status(emulator):
    # held for ever: a module that ignored its timeout would hang until the runner's timeout fails the test
    emulator.admin.hold('create')
    run = run_module(MODULE, emulator.instance_args(wait_timeout=2))
    assert run.failed
    assert run.result['error']['status'] == 'WAIT_TIMEOUT'
    assert 'creating' in run.result['msg']


def test_error_status_ends_the_wait_at_once(emulator):
    emulator.admin.hold('create')
    created = run_module(MODULE, emulator.instance_args(wait=False))
    instance_id = created.result['instance']['id']
    # the create never completes; the instance fails once the module has seen it creating
    emulator.admin.force_status_after(instance_id, 'error', after('describeCacheInstance'))
    seq = emulator.last_seq()
    run = run_module(MODULE, emulator.instance_args())
    assert run.failed
    assert run.result['error']['status'] == 'INSTANCE_ERROR'
    # the first read that shows the error is the last one
    reads = [e['operation'] for e in emulator.admin.requests() if e['seq'] > seq]
    assert reads[-2:] == ['describeCacheInstance'] * 2 and reads.count('describeCacheInstance') == 2, reads


def test_rerun_with_wait_waits_for_a_creating_instance(emulator):
    emulator.admin.hold('create')
    created = run_module(MODULE, emulator.instance_args(wait=False))
    assert created.result['instance']['status'] == 'creating'
    emulator.admin.release(after=after('describeCacheInstance'))
    run = run_module(MODULE, emulator.instance_args())
    assert not run.failed and not run.changed
    assert run.result['instance']['status'] == 'running'


# -- faults ------------------------------------------------------------------------------


def test_create_with_lost_response_makes_exactly_one_instance(emulator):
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['createCacheInstance'], fault_seed=1)
    run = run_module(MODULE, emulator.instance_args())
    assert not run.failed, run.result
    assert run.changed and run.result['instance']['status'] == 'running'
    emulator.admin.config(drop_response_rate=0.0)
    assert len(instances_named(emulator, 'cache_one')) == 1
    assert emulator.calls()['createCacheInstance'] == 1
    assert emulator.admin.stats()['faults'] == {'drop_response': 1}


def test_delete_with_lost_response_is_resolved(emulator):
    instance = create(emulator)
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['deleteCacheInstance'], fault_seed=1)
    run = run_module(MODULE, emulator.connection(instance_id=instance['id'], state='absent'))
    assert not run.failed and run.changed, run.result
    assert emulator.calls()['deleteCacheInstance'] == 1
    assert emulator.admin.stats()['faults'] == {'drop_response': 1}


def test_reads_survive_server_errors(emulator):
    instance = create(emulator)
    emulator.admin.config(error_rate=0.5, fault_operations=['describeCacheInstance'], fault_seed=7)
    run = run_module(MODULE, emulator.connection(instance_id=instance['id'], api_retries=10))
    assert not run.failed and not run.changed, run.result
    # Without an injected error the run would pass without retrying anything.
    assert emulator.admin.stats()['faults'].get('error', 0) >= 1


def test_empty_environment_variables_count_as_unset(emulator):
    # AWX sets every variable of a credential type, also for fields left empty.
    args = emulator.instance_args()
    del args['region'], args['secret_key']
    run = run_module(MODULE, args, env={'JDCLOUD_REGION': '', 'JDCLOUD_SECRET_KEY': ''})
    assert run.failed
    assert 'region' in run.result['msg'] and 'JDCLOUD_REGION' in run.result['msg']
    args['region'] = 'cn-north-1'
    run = run_module(MODULE, args, env={'JDCLOUD_SECRET_KEY': ''})
    assert run.failed and 'JDCLOUD_SECRET_KEY' in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def _documented_instance_keys():
    source = pathlib.Path(__file__).resolve().parents[4] / 'plugins' / 'modules' / (MODULE + '.py')
    for node in ast.parse(source.read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'RETURN' for t in node.targets):
            return set(yaml.safe_load(ast.literal_eval(node.value))['instance']['contains'])
    raise AssertionError('no RETURN in ' + MODULE)


def test_instance_shape_is_documented_and_equal_to_the_info_module(emulator):
    instance = create(emulator, description='same shape')
    assert set(instance) == _documented_instance_keys()
    listed = run_module('jcs_redis_info', emulator.connection(instance_ids=[instance['id']]))
    assert listed.result['instances'] == [instance]


def test_instance_being_deleted_is_not_managed_by_name(emulator):
    emulator.admin.hold('delete')
    instance = create(emulator)
    deleted = run_module(MODULE, emulator.connection(instance_id=instance['id'], state='absent', wait=False))
    assert deleted.changed
    run = run_module(MODULE, emulator.connection(name='cache_one', description='changed'))
    assert run.failed
    assert 'being deleted' in run.result['msg'] and instance['id'] in run.result['msg']
    assert emulator.writes() == 2
    # With the create options it is a new instance, not the one on its way out.
    again = run_module(MODULE, emulator.instance_args())
    assert again.changed and again.result['instance']['id'] != instance['id']


def test_unknown_name_without_create_options_says_no_instance_has_it_first(emulator):
    for name in ('orders_prod', 'orders_dev', 'billing_prod'):
        create(emulator, name=name)
    writes = emulator.writes()
    run = run_module(MODULE, emulator.connection(name='orders_prd', description='typo'))
    assert run.failed
    msg = run.result['msg']
    assert msg.startswith("no instance named 'orders_prd' in cn-north-1"), msg
    # the close names, closest first, and only close ones
    assert "'orders_prod'" in msg and "'orders_dev'" in msg and 'billing_prod' not in msg, msg
    assert msg.index("'orders_prod'") < msg.index("'orders_dev'"), msg
    assert 'to create it, ' in msg and 'vpc_id is required to create an instance' in msg, msg
    assert msg.index('orders_prod') < msg.index('vpc_id'), msg
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert emulator.writes() == writes


def test_unknown_name_with_no_close_names_lists_none(emulator):
    create(emulator, name='billing_prod')
    run = run_module(MODULE, emulator.connection(name='zz_other', description='typo'))
    assert run.failed
    msg = run.result['msg']
    assert msg.startswith("no instance named 'zz_other' in cn-north-1; to create it, "), msg
    assert 'billing_prod' not in msg
