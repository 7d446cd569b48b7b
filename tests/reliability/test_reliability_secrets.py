"""Secrets: no password or secret key appears in anything a run leaves behind.

``playbooks/secrets.yml`` runs every module, succeeding and failing (bad passwords, a wrong
secret key, API errors, and a gateway that echoes the request body in its error message), at
``-vvv`` with ``--diff`` and a log file.  Then every captured byte is searched for every
secret in every form it could take: stdout, stderr, the Ansible log, the registered
results, leftover temporary files, and the emulator's request log, stats and settings.
"""

from __future__ import annotations

import json
import os

import pytest
from emulator_fixtures import RunningEmulator
from reliability_support import FIGURES, HERE, EchoGateway, find_secrets, run_playbook, secret_forms

SUITE = '3. secrets'
ACCESS_KEY = 'LEAKCHECKACCESSKEY00000000000001'
# Characters that JSON, URL and shell quoting all treat differently, so every encoded form differs.
SECRET_KEY = 'Leak/Check+Secret="Key"%&ü 9'
WRONG_SECRET_KEY = 'Wrong/Secret+Key%00&x9'
SECRETS = dict(
    jdcloud_secret_key=SECRET_KEY,
    wrong_secret_key=WRONG_SECRET_KEY,
    password_1='Leak1Check2Pw',
    password_2='Leak3Check4Pw',
    password_3='Leak5Check6Pw',
    bad_password_1='Leak 7 Bad!pw',
    bad_password_2='Lk8sh',
)
EXPECTED_FAILURES = (
    'quota_short',
    'classes_bad',
    'bad_password',
    'short_password',
    'wrong_key',
    'echo_reset',
    'echo_create',
    'whitelist_bad',
    'whitelist_wrong_key',
    'config_bad',
    'config_wrong_key',
    'backup_bad',
    'restore_wrong_key',
    'account_bad',
    'account_wrong_key',
    'instance_accounts_bad',
)


@pytest.fixture(scope='module')
def secrets_run(tmp_path_factory):
    base = str(tmp_path_factory.mktemp('secrets'))
    output_dir = os.path.join(base, 'output')
    os.makedirs(output_dir)
    emu = RunningEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    echo = EchoGateway()
    try:
        # The secrets go in through an extra-vars file outside the searched directory.
        extra_vars = os.path.join(base, 'extra-vars.json')
        with open(extra_vars, 'w', encoding='utf-8') as handle:
            json.dump(
                dict(
                    SECRETS,
                    jdcloud_access_key=ACCESS_KEY,
                    jdcloud_endpoint=emu.url,
                    echo_endpoint=echo.url,
                    output_dir=output_dir,
                ),
                handle,
            )
        log_path = os.path.join(output_dir, 'ansible.log')
        proc = run_playbook(
            os.path.join(HERE, 'playbooks', 'secrets.yml'),
            output_dir,
            os.path.join(HERE, 'playbooks', 'localhost.ini'),
            extra_args=['-vvv', '--diff', '-e', '@' + extra_vars],
            env=dict(ANSIBLE_LOG_PATH=log_path),
        )
        blobs = {'ansible-playbook stdout': proc.stdout, 'ansible-playbook stderr': proc.stderr}
        for root, _dummy, files in os.walk(output_dir):
            for name in files:
                path = os.path.join(root, name)
                with open(path, 'rb') as handle:
                    blobs[os.path.relpath(path, output_dir)] = handle.read().decode('utf-8', 'replace')
        for what in ('requests', 'stats', 'config'):
            blobs['emulator /_emulator/%s' % what] = json.dumps(emu.admin.call('GET', what), ensure_ascii=False)
            blobs['emulator /_emulator/%s (ASCII)' % what] = json.dumps(emu.admin.call('GET', what))
        yield dict(proc=proc, blobs=blobs, echoed=list(echo.echoed), output_dir=output_dir, emu=emu)
    finally:
        echo.stop()
        emu.stop()


def test_playbook_ran_every_case(secrets_run):
    proc = secrets_run['proc']
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    results = json.loads(secrets_run['blobs']['results.json'])
    for name in EXPECTED_FAILURES:
        assert results[name].get('failed') is True or results[name].get('failed_when_result') is False, (
            name,
            results[name],
        )
        assert results[name].get('msg'), (name, results[name])
    assert results['create_ok']['changed'] and results['password_reset']['changed'] and results['delete_ok']['changed']
    assert 'diff' in results['create_ok'] and 'diff' in results['password_reset'], results['create_ok']
    assert results['wrong_key']['error']['status'] == 'ACCESS_ERROR', results['wrong_key']
    assert results['whitelist_ok']['changed'] and 'diff' in results['whitelist_ok'], results['whitelist_ok']
    assert results['whitelist_wrong_key']['error']['status'] == 'ACCESS_ERROR', results['whitelist_wrong_key']
    assert results['info_whitelist']['instances'][0]['whitelist'] == results['whitelist_ok']['whitelist']
    assert results['config_ok']['changed'] and 'diff' in results['config_ok'], results['config_ok']
    assert results['config_wrong_key']['error']['status'] == 'ACCESS_ERROR', results['config_wrong_key']
    assert results['info_config']['instances'][0]['config'] == results['config_ok']['config']
    assert results['echo_reset']['error']['status'] == 'INVALID_ARGUMENT', results['echo_reset']
    assert (
        results['backup_policy_ok']['changed'] and results['backup_ok']['changed'] and results['restore_ok']['changed']
    )
    assert results['restore_wrong_key']['error']['status'] == 'ACCESS_ERROR', results['restore_wrong_key']
    assert results['backup_info_ok']['backups'] == [results['backup_ok']['backup']]
    for name in ('account_check', 'account_ok', 'account_rotate'):
        assert results[name]['changed'] and 'diff' in results[name], results[name]
    assert {a.get('password') for a in results['account_rotate']['diff']['after']['accounts']} == {None, 'changed'}
    assert results['account_bad']['error']['status'] == 'INVALID_ARGUMENT', results['account_bad']
    assert results['account_wrong_key']['error']['status'] == 'ACCESS_ERROR', results['account_wrong_key']
    assert [a['name'] for a in results['info_accounts']['instances'][0]['accounts']] == [
        'default',
        'app_user',
        'reporting',
        'report_two',
    ]
    for name in ('instance_accounts_check', 'instance_accounts_ok', 'fleet_accounts_ok'):
        assert results[name]['changed'], results[name]
    assert results['instance_accounts_check']['diff']['after']['accounts'][1]['password'] == 'changed'
    assert results['instance_accounts_bad']['error']['status'] == 'INVALID_ARGUMENT', results['instance_accounts_bad']
    # the gateway did echo the password, so the search below is meaningful
    assert any(SECRETS['password_3'] in text for text in secrets_run['echoed']), secrets_run['echoed']
    assert 'ESTABLISH LOCAL CONNECTION' in proc.stdout, 'not run at -vvv'


def test_no_secret_anywhere(secrets_run):
    blobs = secrets_run['blobs']
    secrets = list(SECRETS.values())
    hits = find_secrets(blobs, secrets)
    FIGURES.set(SUITE, 'captured sources searched', len(blobs))
    FIGURES.set(SUITE, 'bytes searched', sum(len(text.encode('utf-8')) for text in blobs.values()))
    FIGURES.set(SUITE, 'secrets x forms searched', sum(len(secret_forms(s)) for s in secrets))
    FIGURES.set(SUITE, 'echoing-gateway errors seen', len(secrets_run['echoed']))
    FIGURES.set(SUITE, 'secrets found', len(hits))
    assert hits == [], ['%s: %s (%s)' % (source, list(SECRETS)[index], form) for source, index, form in hits]


def test_search_finds_a_planted_secret(secrets_run):
    """The search itself works: a secret planted in each form in a copy of the output is found."""
    for form in secret_forms(SECRET_KEY):
        planted = {'stdout': secrets_run['blobs']['ansible-playbook stdout'] + form}
        assert find_secrets(planted, [SECRET_KEY]), form


def test_inventory_plugin_leaks_no_secret(tmp_path):
    """ansible-inventory with the jcs_redis inventory plugin, succeeding and failing at -vvvv, with the inventory
    cache on: neither its output nor the cache holds the secret key or an instance password."""
    from invrunner import run_inventory
    from modrunner import run_module

    emu = RunningEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    try:
        created = run_module(
            'jcs_redis_instance',
            emu.instance_args(name='inventory_leak', password=SECRETS['password_1']),
        )
        assert created.changed, created.result
        cache_dir = tmp_path / 'cache'
        source = dict(
            plugin='jdcloud.cloud.jcs_redis',
            endpoint=emu.url,
            regions=['cn-north-1'],
            cache=True,
            cache_plugin='ansible.builtin.jsonfile',
            cache_connection=str(cache_dir),
            compose=dict(redis_url="'redis://' ~ ansible_host ~ ':' ~ ansible_port"),
        )
        env = dict(JDCLOUD_ACCESS_KEY=ACCESS_KEY, JDCLOUD_SECRET_KEY=SECRET_KEY)
        runs = dict(
            listed=run_inventory(tmp_path, source, env=env, args=('--list', '-vvvv')),
            host=run_inventory(tmp_path, source, env=env, args=('--host', 'inventory_leak', '-vvvv')),
            wrong_key=run_inventory(
                tmp_path,
                dict(source, cache=False),
                env=dict(env, JDCLOUD_SECRET_KEY=WRONG_SECRET_KEY),
                args=('--list', '-vvvv'),
            ),
            # the secret key given in the file: it must not come back in any message either
            wrong_key_in_file=run_inventory(
                tmp_path,
                dict(source, cache=False, secret_key=WRONG_SECRET_KEY, api_retries=0),
                env=dict(JDCLOUD_ACCESS_KEY=ACCESS_KEY),
                args=('--list', '-vvvv'),
            ),
        )
        # at -vvvv ansible-inventory prints its set-up before the JSON, so the output is searched, not parsed
        assert runs['listed'].rc == 0 and '"inventory_leak"' in runs['listed'].stdout, runs['listed'].stderr
        assert runs['host'].rc == 0, runs['host'].stderr
        for name in ('wrong_key', 'wrong_key_in_file'):
            assert runs[name].rc != 0 and 'JD Cloud rejected the request signature' in runs[name].warnings, name
        blobs = {}
        for name, run in runs.items():
            blobs['ansible-inventory %s stdout' % name] = run.stdout
            blobs['ansible-inventory %s stderr' % name] = run.stderr
        files = list(cache_dir.iterdir())
        assert files, 'the inventory cache was not written'
        for path in files:
            blobs['inventory cache %s' % path.name] = path.read_text(encoding='utf-8')
        for what in ('requests', 'stats', 'config'):
            blobs['emulator /_emulator/%s' % what] = json.dumps(emu.admin.call('GET', what), ensure_ascii=False)
    finally:
        emu.stop()
    secrets = [SECRET_KEY, WRONG_SECRET_KEY, SECRETS['password_1']]
    hits = find_secrets(blobs, secrets)
    FIGURES.set(SUITE, 'inventory plugin sources searched', len(blobs))
    FIGURES.set(SUITE, 'inventory plugin secrets found', len(hits))
    assert hits == [], ['%s: secret %d (%s)' % hit for hit in hits]
