"""The pure parts of the TLS and disabled-commands components, in process: validation and plans. No HTTP: the
modules are tested over HTTP against the emulator in tests/unit/plugins/modules/."""

import time

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._disabled_commands import (
    DisabledCommands,
    catalogue,
    command_set,
    disabled,
    unknown_commands,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._tls import TLS, expiry_seconds, normalise_tls

DC = DisabledCommands()
TLS_ = TLS()
NOW = expiry_seconds('2026-12-07T00:00:00Z')
DAY = 86400
CATALOGUE = ['CONFIG', 'FLUSHALL', 'FLUSHDB', 'KEYS', 'MEMORY', 'MONITOR']


def dc_current(*names):
    return dict(instance_id='redis-x', disabled=dict.fromkeys(names, '2026-01-01T00:00:00Z'))


def dc_wanted(commands, purge=False):
    return DC.validate(dict(commands=commands, purge=purge))


def test_commands_are_a_case_insensitive_set():
    assert command_set('commands', ['keys', 'KEYS', 'FlushAll']) == ['FLUSHALL', 'KEYS']
    with pytest.raises(Refusal, match=r'commands\[1\] must be a Redis command name'):
        command_set('commands', ['KEYS', 'FLUSH ALL'])


def test_disabled_plan_one_write_of_flags():
    plan = DC.plan(dc_current('KEYS', 'MONITOR'), dc_wanted(['keys', 'config'], purge=True))
    assert plan.writes == [{'CONFIG': True, 'MONITOR': False}]
    assert plan.after == ['CONFIG', 'KEYS'] and plan.changes == ['CONFIG', 'MONITOR']
    kept = DC.plan(dc_current('KEYS', 'MONITOR'), dc_wanted(['config']))
    assert kept.writes == [{'CONFIG': True}] and kept.after == ['CONFIG', 'KEYS', 'MONITOR']
    same = DC.plan(dc_current('KEYS'), dc_wanted(['KEYS']))
    assert same.writes == [] and same.changes == [] and same.after == ['KEYS']


def test_unknown_commands_named_with_close_names_and_the_catalogue():
    refused = unknown_commands('redis-x', ['FLUSHAL', 'SHUTDOWN'], CATALOGUE)
    assert 'FLUSHAL (did you mean FLUSHALL or FLUSHDB?)' in refused.message
    assert 'SHUTDOWN (not in listDisableCommands)' in refused.message
    assert refused.details['commands'] == ['FLUSHAL', 'SHUTDOWN'] and refused.status == 'INVALID_ARGUMENT'


def test_answers_shaped():
    assert disabled([dict(commandName='keys', disableTime='t'), 'junk', dict(commandName=None)]) == {'KEYS': 't'}
    assert catalogue(['keys', 'CONFIG', 'keys', 3]) == ['CONFIG', 'KEYS']


def test_disabled_holds_and_verify():
    assert DC.holds(dc_current('KEYS'), {'KEYS': True, 'CONFIG': False})
    assert not DC.holds(dc_current('KEYS'), {'CONFIG': True})
    DC.verify('redis-x', None, ['KEYS'], {'KEYS': True, 'CONFIG': False})
    with pytest.raises(Refusal, match='KEYS did not read back as written') as lost:
        DC.verify('redis-x', None, [], {'KEYS': True})
    assert lost.value.status == 'ABORTED'


def tls_current(enabled=True, tls_type='standard', versions=(), days_left=200, supported=True):
    current = normalise_tls(
        dict(
            featureSupport=supported,
            tlsStatus='enable' if enabled else 'disable',
            tlsType=tls_type if supported else '',
            tlsVersion=list(versions),
            certExpiration=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(NOW + days_left * DAY)) if enabled else '',
            ca='CA' if enabled else '',
        )
    )
    return dict(current, instance_id='redis-x', now=NOW)


def tls_wanted(**given):
    wanted = dict(enabled=None, type=None, versions=None, renew_certificate_before_days=None)
    wanted.update(given)
    return TLS_.validate(wanted)


def test_tls_versions_normalised_and_checked():
    assert tls_wanted(versions=['1.3', 'tlsv1.2', 'TLSv1.2'])['versions'] == ['TLSv1.2', 'TLSv1.3']
    with pytest.raises(Refusal, match=r'versions\[0\] must be one of TLSv1.2, TLSv1.3'):
        tls_wanted(versions=['SSLv3'])
    with pytest.raises(Refusal, match='versions must be empty with type gm'):
        tls_wanted(type='gm', versions=['1.2'])


def test_tls_enable_is_one_write():
    plan = TLS_.plan(tls_current(enabled=False), tls_wanted(enabled=True, versions=['1.2']))
    assert plan.changes == ['enabled', 'versions']
    assert plan.writes == [dict(status='enable', versions=['TLSv1.2'], expires=None)]
    assert plan.after['enabled'] is True and plan.after['certificate_expires'] is None


def test_tls_renewal_only_when_expiring_sooner():
    wanted = tls_wanted(renew_certificate_before_days=30)
    assert TLS_.plan(tls_current(days_left=31), wanted).writes == []
    renew = TLS_.plan(tls_current(days_left=29), wanted)
    assert renew.changes == ['certificate'] and renew.writes[0]['status'] == 'updateCertificate'
    # off, nothing to renew; a type change issues a new certificate anyway
    assert TLS_.plan(tls_current(enabled=False), wanted).writes == []
    typed = TLS_.plan(tls_current(days_left=1), tls_wanted(type='gm', renew_certificate_before_days=30))
    assert typed.changes == ['type'] and 'status' not in typed.writes[0]


def test_tls_type_change_clears_versions_and_gm_refuses_versions_kept():
    plan = TLS_.plan(tls_current(versions=['TLSv1.2']), tls_wanted(type='gm'))
    assert plan.changes == ['type', 'versions'] and plan.after['versions'] == []
    with pytest.raises(Refusal, match='versions must be empty with type gm'):
        TLS_.plan(tls_current(tls_type='gm'), tls_wanted(versions=['1.2']))


def test_tls_unsupported_refused_unless_off_is_asked():
    current = tls_current(enabled=False, supported=False)
    with pytest.raises(Refusal, match='instance redis-x does not support TLS') as refused:
        TLS_.plan(current, tls_wanted(enabled=True))
    assert refused.value.status == 'FAILED_PRECONDITION'
    assert TLS_.plan(current, tls_wanted(enabled=False)).writes == []
    assert 'now' not in TLS_.plan(current, tls_wanted(enabled=False)).after


def test_tls_verify_and_holds():
    current = tls_current()
    assert TLS_.holds(current, dict(status='enable'))
    assert not TLS_.holds(current, dict(status='updateCertificate', expires=current['certificate_expires']))
    with pytest.raises(Refusal, match='enabled is not as written'):
        TLS_.verify('redis-x', None, TLS_.value(tls_current(enabled=False)), dict(status='enable', expires=None))
