# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS in transit of an instance (docs/dev/api-notes.md#tls): the normalised shape of describeInstanceTLS, the rules
of the wanted TLS and its plan (the calls are in ``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import time
from datetime import datetime, timezone

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

TLS_TYPES = ('standard', 'gm')
# The protocol versions of the standard type, in the API's spelling; the gm type (Chinese SM ciphers) has none to choose.
PROTOCOLS = ('TLSv1.2', 'TLSv1.3')
DAY = 86400
# A certificate lasts a year (docs/dev/api-notes.md#tls): renewing earlier than that would renew on every run.
RENEW_DAYS_MAX = 364


def expiry_seconds(text):
    """The moment of an ISO 8601 UTC ``certExpiration`` (seconds since the epoch), or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def normalise_tls(result):
    """describeInstanceTLS as ``{supported, enabled, type, versions, certificate_expires, ca, ca_download_url}``."""
    result = result or {}
    return dict(
        supported=bool(result.get('featureSupport')),
        enabled=result.get('tlsStatus') == 'enable',
        type=result.get('tlsType') or None,
        versions=sorted(v for v in result.get('tlsVersion') or () if isinstance(v, str)),
        certificate_expires=result.get('certExpiration') or None,
        ca=result.get('ca') or None,
        ca_download_url=result.get('caDownloadUrl') or None,
    )


def protocol(option, value):
    """The API's spelling of a TLS protocol version (V(tlsv1.2), V(1.2) and V(TLSv1.2) are one)."""
    text = value.strip() if isinstance(value, str) else ''
    for known in PROTOCOLS:
        if text.lower() in (known.lower(), known[4:]):
            return known
    raise Refusal(f'{option} must be one of {", ".join(PROTOCOLS)}, got {shown(value)}')


class TLS(Component):
    """TLS in transit. ``wanted``: ``enabled``, ``type``, ``versions`` (None: leave each) and
    ``renew_certificate_before_days``. ``current``: the normalised describe, with ``instance_id`` and ``now`` (when
    it was read, what the certificate's remaining days are counted from)."""

    key = 'tls'
    what = 'TLS'
    argument_spec = dict(
        enabled=dict(type='bool'),
        type=dict(type='str', choices=list(TLS_TYPES)),
        versions=dict(type='list', elements='str'),
        renew_certificate_before_days=dict(type='int'),
    )

    def validate(self, wanted):
        wanted = dict(wanted)
        if wanted['versions'] is not None:
            versions = []
            for index, value in enumerate(wanted['versions']):
                name = protocol(f'versions[{index}]', value)
                if name not in versions:
                    versions.append(name)
            if versions and wanted['type'] == 'gm':
                raise Refusal('versions must be empty with type gm: the gm type has no protocol versions to choose')
            wanted['versions'] = sorted(versions)
        days = wanted['renew_certificate_before_days']
        if days is not None and not 1 <= days <= RENEW_DAYS_MAX:
            raise Refusal(
                f'renew_certificate_before_days must be between 1 and {RENEW_DAYS_MAX} (a certificate lasts a year, so '
                f'a longer one would renew it on every run), got {days}'
            )
        if wanted['enabled'] is False and days is not None:
            raise Refusal('renew_certificate_before_days needs TLS on: it cannot be set with enabled: false')
        return wanted

    def read(self, api, instance_id):
        return dict(normalise_tls(api.tls(instance_id)), instance_id=instance_id, now=time.time())

    def value(self, current):
        return {k: v for k, v in current.items() if k not in ('instance_id', 'now')}

    def plan(self, current, wanted):
        asked = (['enabled'] if wanted['enabled'] is True else []) + [
            k for k in ('type', 'versions', 'renew_certificate_before_days') if wanted[k] is not None
        ]
        if not current['supported']:
            if asked:
                raise Refusal(
                    'instance {} does not support TLS (describeInstanceTLS answers featureSupport: false; TLS depends '
                    'on the Redis version of the instance), so {} cannot be set: only enabled: false can be asked of '
                    'it'.format(current['instance_id'], ', '.join(asked)),
                    status='FAILED_PRECONDITION',
                )
            return Plan(self.value(current))
        before = self.value(current)
        enabled = before['enabled'] if wanted['enabled'] is None else wanted['enabled']
        tls_type = wanted['type'] or before['type'] or 'standard'
        versions = wanted['versions']
        if versions is None:
            # the versions of the other type do not carry over (docs/dev/api-notes.md#tls)
            versions = before['versions'] if tls_type == before['type'] else []
        if tls_type == 'gm' and versions:
            raise Refusal('versions must be empty with type gm: the gm type has no protocol versions to choose')
        changes = []
        write = {}
        if enabled != before['enabled']:
            changes.append('enabled')
            write['status'] = 'enable' if enabled else 'disable'
        if tls_type != before['type']:
            changes.append('type')
            write['type'] = tls_type
        if versions != before['versions']:
            changes.append('versions')
            write['versions'] = versions
        renew = self.renews(current, wanted, enabled, write)
        if renew:
            changes.append('certificate')
            write['status'] = 'updateCertificate'
        after = dict(before, enabled=enabled, type=tls_type, versions=versions)
        if not enabled:
            after.update(certificate_expires=None, ca=None, ca_download_url=None)
        elif write.get('status') in ('enable', 'updateCertificate') or 'type' in write:
            # a new certificate: only the API knows it
            after.update(certificate_expires=None, ca=None if not before['enabled'] else before['ca'])
        if write:
            write['expires'] = before['certificate_expires']
        return Plan(after, [write] if write else [], sorted(changes))

    @staticmethod
    def renews(current, wanted, enabled, write):
        """Whether the certificate is renewed: TLS on before and after, no new certificate anyway (enabling, a type
        change), and it expires within ``renew_certificate_before_days`` of when it was read."""
        days = wanted['renew_certificate_before_days']
        if days is None or not enabled or not current['enabled'] or 'type' in write:
            return False
        expires = expiry_seconds(current['certificate_expires'])
        # an expiry the API does not tell cannot be compared: renewing then would renew on every run
        return expires is not None and expires - current['now'] < days * DAY

    def apply(self, api, instance_id, write):
        return api.modify_tls(instance_id, write.get('type'), write.get('status'), write.get('versions'))

    def holds(self, current, write):
        status = write.get('status')
        if status == 'disable' and current['enabled']:
            return False
        if status in ('enable', 'updateCertificate') and not current['enabled']:
            return False
        if status == 'updateCertificate' and current['certificate_expires'] == write['expires']:
            return False
        if 'type' in write and current['type'] != write['type']:
            return False
        return 'versions' not in write or current['versions'] == write['versions']

    def write_changes(self, current, plan, write):
        return plan.changes

    def context(self, write):
        status = write.get('status')
        if status == 'updateCertificate':
            return 'renew the TLS certificate'
        return {'enable': 'enable TLS', 'disable': 'disable TLS'}.get(status, 'change the TLS settings')

    def settled(self, api, instance_id, after, waited):
        return self.value(self.read(api, instance_id))

    def verify(self, instance_id, wanted, settled, written):
        """TLS as read back after the write: what this run set reads otherwise when another writer changed it
        meanwhile; refuse rather than report what does not hold."""
        lost = []
        status = written.get('status')
        if status is not None and settled['enabled'] != (status != 'disable'):
            lost.append('enabled')
        if 'type' in written and settled['type'] != written['type']:
            lost.append('type')
        if 'versions' in written and settled['versions'] != written['versions']:
            lost.append('versions')
        if lost:
            raise Refusal(
                'The TLS settings of instance {} read back after the change are not what this run wrote: {} {} not as '
                'written (now enabled: {}, type: {}, versions: {}); run the task again, and do not change them from '
                'several places at once'.format(
                    instance_id,
                    ', '.join(lost),
                    'is' if len(lost) == 1 else 'are',
                    settled['enabled'],
                    settled['type'],
                    ', '.join(settled['versions']) or 'none',
                ),
                status='ABORTED',
            )
