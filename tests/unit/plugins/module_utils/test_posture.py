"""The posture rules, in process: each finding present and absent, on settings in the shapes the modules return."""

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import maintenance_window
from ansible_collections.jdcloud.cloud.plugins.module_utils._posture import RULES, SEVERITIES, findings
from ansible_collections.jdcloud.cloud.plugins.module_utils._tls import expiry_seconds

NOW = expiry_seconds('2026-12-07T00:00:00Z')
GOOD_INSTANCE = dict(auth_enabled=True, maintenance_window='18:00-20:00 +0000')
GOOD = dict(
    whitelist=[dict(name='default', ips=['10.0.1.0/24']), dict(name='bastion', ips=['192.168.3.4'])],
    backup_policy=dict(auto_backup=True),
    tls=dict(supported=True, enabled=True, certificate_expires='2027-06-01T00:00:00Z'),
    disabled_commands=['CONFIG', 'FLUSHALL', 'FLUSHDB', 'KEYS', 'MONITOR'],
)


def ids(instance=None, **settings):
    found = findings(dict(GOOD_INSTANCE, **(instance or {})), dict(GOOD, **settings), NOW)
    return [f['id'] for f in found]


def test_a_hardened_instance_has_no_finding():
    assert ids() == []


@pytest.mark.parametrize(
    'instance, settings, expected',
    [
        ({}, dict(whitelist=[dict(name='default', ips=['0.0.0.0/0'])]), ['whitelist_open']),
        ({}, dict(whitelist=[dict(name='x', ips=['10.0.0.0/8', '8.8.8.8'])]), ['whitelist_public']),
        ({}, dict(whitelist=[dict(name='x', ips=['100.64.0.0/10', '172.16.0.0/12'])]), []),
        (dict(auth_enabled=False), {}, ['no_password']),
        ({}, dict(tls=dict(supported=True, enabled=False, certificate_expires=None)), ['tls_off']),
        ({}, dict(tls=dict(supported=False, enabled=False, certificate_expires=None)), ['tls_unsupported']),
        (
            {},
            dict(tls=dict(supported=True, enabled=True, certificate_expires='2026-12-30T00:00:00Z')),
            ['tls_certificate_expiring'],
        ),
        ({}, dict(tls=dict(supported=True, enabled=True, certificate_expires='2027-01-07T00:00:00Z')), []),
        ({}, dict(disabled_commands=['FLUSHALL', 'FLUSHDB']), ['dangerous_commands_enabled']),
        ({}, dict(backup_policy=dict(auto_backup=False)), ['automatic_backups_off']),
        (dict(maintenance_window=None), {}, ['no_maintenance_window']),
    ],
)
def test_each_finding_alone(instance, settings, expected):
    assert ids(instance, **settings) == expected


def test_findings_carry_severity_fix_and_details_most_severe_first():
    found = findings(
        dict(auth_enabled=False, maintenance_window=None),
        dict(GOOD, whitelist=[dict(name='default', ips=['0.0.0.0/0'])], disabled_commands=['KEYS']),
        NOW,
    )
    assert [f['severity'] for f in found] == sorted((f['severity'] for f in found), key=SEVERITIES.index)
    assert found[0]['id'] in ('whitelist_open', 'no_password') and found[0]['severity'] == 'high'
    commands = next(f for f in found if f['id'] == 'dangerous_commands_enabled')
    assert commands['commands'] == ['CONFIG', 'FLUSHALL', 'FLUSHDB'] and commands['fix'] == RULES[commands['id']][1]
    assert all(f['fix'] and f['message'] for f in found)


def test_a_setting_not_read_gives_no_posture():
    assert findings(GOOD_INSTANCE, dict(GOOD, tls=None), NOW) is None


def test_maintenance_window_shape():
    assert maintenance_window('18:00Z', '20:00Z') == '18:00-20:00 +0000'
    assert maintenance_window('', '') is None and maintenance_window(None, None) is None
