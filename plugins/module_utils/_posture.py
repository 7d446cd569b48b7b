# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The security posture of an instance: what a security reviewer would flag, as findings with an id, a severity and
what fixes each (docs/docsite/rst/guide.rst, "Hardening an instance", has the table). Pure: the settings are read by
the callers (``read_settings``), the rules never call anything.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import ipaddress
from datetime import datetime, timezone

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import component

# Commands that delete every key (FLUSHALL, FLUSHDB), block the server while they scan every key (KEYS) or let a
# client reconfigure the server (CONFIG).
DANGEROUS_COMMANDS = ('CONFIG', 'FLUSHALL', 'FLUSHDB', 'KEYS')
# A certificate that expires within this many days is flagged.
CERTIFICATE_DAYS = 30
DAY = 86400
SEVERITIES = ('high', 'medium', 'low')

# id: (severity, what fixes it)
RULES = {
    'whitelist_open': (
        'high',
        'jdcloud.cloud.jcs_redis_whitelist: groups (list default with the addresses it should hold)',
    ),
    'no_password': ('high', 'jdcloud.cloud.jcs_redis_instance: password, with update_password: always'),
    'whitelist_public': ('medium', 'jdcloud.cloud.jcs_redis_whitelist: groups (private addresses only)'),
    'tls_off': ('medium', 'jdcloud.cloud.jcs_redis_tls: enabled: true'),
    'tls_certificate_expiring': ('medium', 'jdcloud.cloud.jcs_redis_tls: renew_certificate_before_days'),
    'dangerous_commands_enabled': ('medium', 'jdcloud.cloud.jcs_redis_disabled_commands: commands'),
    'automatic_backups_off': ('medium', 'jdcloud.cloud.jcs_redis_backup_policy: auto_backup: true'),
    'tls_unsupported': (
        'low',
        'jdcloud.cloud.jcs_redis_instance: a new instance with a redis_version that has TLS (6.2 or later)',
    ),
    'no_maintenance_window': (
        'low',
        'jdcloud.cloud.jcs_redis_instance: maintenance_window (or jcs_redis_fleet, redis_fleet: the same option of '
        'the entry)',
    ),
}
# What the posture reads per instance besides the listing: one call each.
SETTINGS = ('whitelist', 'backup_policy', 'tls', 'disabled_commands')


def expiry_seconds(text):
    """The moment of the ISO 8601 UTC ``certificate_expires`` of TLS as read, or None. (Here rather than imported from
    ``_tls.py``: jcs_redis_info loads this module on every run, and a run without posture never needs ``_tls.py``.)"""
    try:
        return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        return None


def finding(finding_id, message, **details):
    severity, fix = RULES[finding_id]
    return dict(id=finding_id, severity=severity, message=message, fix=fix, **details)


def _public(entry):
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return network.prefixlen > 0 and network.is_global


def findings(instance, settings, now):
    """The findings of ``instance`` (the result shape, with ``maintenance_window``) given ``settings`` (``{whitelist,
    backup_policy, tls, disabled_commands}`` as ``jcs_redis_info`` returns them) at ``now`` (seconds since the
    epoch), most severe first; None when a setting could not be read (the instance was deleted meanwhile)."""
    if any(settings.get(key) is None for key in SETTINGS):
        return None
    found = []
    groups = settings['whitelist']
    open_groups = [g['name'] for g in groups if any(ip in ('0.0.0.0/0', '0.0.0.0') for ip in g['ips'])]
    if open_groups:
        found.append(
            finding(
                'whitelist_open',
                'the white-list group{} {} admit{} every address (0.0.0.0/0)'.format(
                    's' if len(open_groups) > 1 else '', ', '.join(open_groups), '' if len(open_groups) > 1 else 's'
                ),
                groups=open_groups,
            )
        )
    public = sorted({ip for g in groups for ip in g['ips'] if _public(ip)})
    if public:
        found.append(
            finding('whitelist_public', 'the white list admits public addresses: ' + ', '.join(public), ips=public)
        )
    if not instance.get('auth_enabled'):
        found.append(finding('no_password', 'clients connect without a password'))
    tls = settings['tls']
    if not tls['supported']:
        found.append(finding('tls_unsupported', 'the Redis version of the instance cannot have TLS: traffic is plain'))
    elif not tls['enabled']:
        found.append(finding('tls_off', 'TLS is off: traffic to the instance is plain'))
    else:
        expires = expiry_seconds(tls['certificate_expires'])
        if expires is not None and expires - now < CERTIFICATE_DAYS * DAY:
            found.append(
                finding(
                    'tls_certificate_expiring',
                    'the TLS certificate expires on {}, within {} days'.format(
                        tls['certificate_expires'], CERTIFICATE_DAYS
                    ),
                    expires=tls['certificate_expires'],
                )
            )
    enabled = [c for c in DANGEROUS_COMMANDS if c not in settings['disabled_commands']]
    if enabled:
        found.append(
            finding(
                'dangerous_commands_enabled',
                'clients may run ' + ', '.join(enabled),
                commands=enabled,
            )
        )
    if not settings['backup_policy'].get('auto_backup'):
        found.append(finding('automatic_backups_off', 'automatic backups are off'))
    if not instance.get('maintenance_window'):
        found.append(finding('no_maintenance_window', 'no maintenance window: JD Cloud may maintain it at any hour'))
    return sorted(found, key=lambda f: SEVERITIES.index(f['severity']))


def read_settings(api, instance_id, keys):
    """``{key: setting}`` of ``keys`` (settings of ``_component.component``) of one instance, in the shapes the
    setting modules return, each None when the instance is gone (404)."""
    settings = {}
    for key in keys:
        setting = component(key)
        try:
            settings[key] = setting.value(setting.read(api, instance_id))
        except JDCloudAPIError as exc:
            if exc.code != 404:
                raise
            settings[key] = None  # deleted since it was listed
    return settings
