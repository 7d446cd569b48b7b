"""Backup policy, on-demand backups and restore (docs/dev/api-notes.md#backups): parameter validation,
the policy's next window, the Backup model, the backend (``Backups``, ``store.backups``) and the handlers.

What the SDK documents: ``backupTime`` is ``HH:mm-HH:mm <zone>`` (example ``01:00-02:00 +0800``),
``backupPeriod`` weekday names separated by commas, ``fileName`` letters, digits and underscores up to
32 characters, ``backupType`` 1 (manual, the only type a client may create), ``pageSize`` 10 to 100.
What it does not document, and the emulator assumes strictly (README): the window starts and ends on
the hour and is not empty, the zone is ``+hhmm`` or ``-hhmm`` up to 14 hours, ``startTime``/``endTime``
are ISO 8601 UTC times like every time the API returns.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import datetime, timezone

from .errors import failed_precondition, invalid_argument, not_found
from .registry import operation
from .validation import _boolean, _integer, _string, check_known

DAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
# Not documented: what a new instance starts with (README).
DEFAULT_POLICY = {'autoBackup': True, 'backupPeriod': ','.join(DAYS), 'backupTime': '01:00-02:00 +0800'}
WINDOW_RE = re.compile(r'^(\d{2}):(\d{2})-(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$')
FILE_NAME_RE = re.compile(r'^[A-Za-z0-9_]{1,32}$')
TIME_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
STATUS_RUNNING, STATUS_FAILED, STATUS_SUCCESS = 0, 1, 2
TYPE_AUTO, TYPE_MANUAL = 0, 1
DOWNLOAD_LINK_SECONDS = 3600  # the SDK: "1个小时有效期"
_PATH_PARAMS = ('regionId', 'cacheInstanceId')


def parse_window(value: str, field: str = 'backupTime'):
    """``(start minute, end minute, offset minutes)`` of a valid window."""
    match = WINDOW_RE.match(value)
    if not match:
        raise invalid_argument('%s must be HH:mm-HH:mm followed by a zone such as +0800, got %r' % (field, value))
    start_h, start_m, end_h, end_m, sign, zone_h, zone_m = match.groups()
    if int(start_h) > 23 or int(end_h) > 23 or int(zone_h) > 14 or int(zone_m) > 59:
        raise invalid_argument('%s: hours must be 00 to 23 and the zone at most 14 hours, got %r' % (field, value))
    if start_m != '00' or end_m != '00':
        raise invalid_argument('%s must start and end on the hour, got %r' % (field, value))
    if start_h == end_h:
        raise invalid_argument('%s must end at another hour than it starts, got %r' % (field, value))
    offset = (int(zone_h) * 60 + int(zone_m)) * (1 if sign == '+' else -1)
    return int(start_h) * 60, int(end_h) * 60, offset


def validate_policy(body: dict) -> dict:
    check_known(body, _PATH_PARAMS + ('autoBackup', 'backupTime', 'backupPeriod'))
    auto = _boolean(body, 'autoBackup', 'autoBackup')
    window = _string(body, 'backupTime', 'backupTime', required=True)
    parse_window(window)
    period = _string(body, 'backupPeriod', 'backupPeriod', required=True)
    days = period.split(',')
    if any(day not in DAYS for day in days):
        raise invalid_argument(
            'backupPeriod must be weekday names separated by commas (%s), got %r' % (', '.join(DAYS), period)
        )
    if len(set(days)) != len(days):
        raise invalid_argument('backupPeriod names a day more than once: %r' % period)
    # modifyBackupPolicy "turns on or updates" the policy: without autoBackup it is on
    return {'autoBackup': True if auto is None else auto, 'backupPeriod': period, 'backupTime': window}


def iso(ts: float) -> str:
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


def next_window(policy: dict, now: float) -> str:
    """``start~end`` (UTC) of the next window on a day of the period, or '' when automatic backups are off."""
    if not policy.get('autoBackup') or not policy.get('backupPeriod') or not policy.get('backupTime'):
        return ''
    start, end, offset = parse_window(policy['backupTime'])
    length = (end - start) % 1440
    wanted = {DAYS.index(day) for day in policy['backupPeriod'].split(',')}
    local = now + offset * 60
    midnight = local - local % 86400
    for days_ahead in range(8):
        day_start = midnight + days_ahead * 86400
        # 1970-01-01 was a Thursday (index 3)
        if (int(day_start // 86400) + 3) % 7 in wanted and day_start + start * 60 > local:
            begin = day_start + start * 60 - offset * 60
            return '%s~%s' % (iso(begin), iso(begin + length * 60))
    raise AssertionError('no window within a week')


def render_policy(policy: dict, now: float) -> dict:
    return dict(policy, nextBackupTime=next_window(policy, now))


def validate_create(body: dict) -> str:
    check_known(body, _PATH_PARAMS + ('fileName', 'backupType'))
    name = _string(body, 'fileName', 'fileName', required=True)
    if not FILE_NAME_RE.match(name):
        raise invalid_argument('fileName must be 1-32 letters, digits or underscores')
    backup_type = _integer(body, 'backupType', 'backupType')
    if backup_type is None:
        raise invalid_argument('backupType is required')
    if backup_type != TYPE_MANUAL:
        raise invalid_argument('backupType must be 1 (manual): only manual backups can be created')
    return name


def validate_restore(body: dict) -> str:
    check_known(body, _PATH_PARAMS + ('baseId',))
    return _string(body, 'baseId', 'baseId', required=True)


def _time(query: dict, name: str):
    value = query.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not TIME_RE.match(value):
        raise invalid_argument('%s must be an ISO 8601 UTC time such as 2024-05-01T08:00:00Z' % name)
    try:
        return datetime.strptime(value, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise invalid_argument('%s is not a valid time: %r' % (name, value)) from None


def list_query(query: dict) -> dict:
    """The describeBackups query, checked in a fixed order (paging, times, id)."""
    from .listing import int_param

    check_known(query, ('pageNumber', 'pageSize', 'startTime', 'endTime', 'baseId'))
    page_number = int_param(query, 'pageNumber', 1, 1)
    page_size = int_param(query, 'pageSize', 10, 10, 100)
    start, end = _time(query, 'startTime'), _time(query, 'endTime')
    if start is not None and end is not None and start > end:
        raise invalid_argument('startTime must not be after endTime')
    base_id = query.get('baseId')
    if base_id is not None and not isinstance(base_id, str):
        raise invalid_argument('baseId must be a string')
    return {'page_number': page_number, 'page_size': page_size, 'start': start, 'end': end, 'base_id': base_id}


def render(backup: dict) -> dict:
    """The Backup model."""
    return {
        'baseId': backup['id'],
        'backupFileName': backup['name'],
        'cacheInstanceId': backup['instance_id'],
        'backupStartTime': iso(backup['start']),
        'backupEndTime': iso(backup['end']) if backup['end'] is not None else '',
        'backupType': backup['type'],
        'backupSize': backup['size'] if backup['status'] == STATUS_SUCCESS else 0,
        'backupStatus': backup['status'],
        'backupShardMemoryMB': backup['shard_memory_mb'],
        'backupShardNum': backup['shard_num'],
        'backupDownloadURL': '',
    }


class Backups:
    """The backups and backup policies of the store's instances (``store.backups``); under the store's lock.
    A backup is a dict in its instance's ``backups`` (newest last), so the state file holds it."""

    def __init__(self, store):
        self.store = store

    def _running(self, region: str, instance_id: str, what: str):
        inst = self.store.get(region, instance_id)
        if inst.status != 'running':
            raise failed_precondition("cacheInstance '%s' is %s; %s only while running" % (inst.id, inst.status, what))
        return inst

    def settle(self, inst) -> None:
        """Complete the backups of ``inst`` that are due (those held wait for the admin's release)."""
        now = self.store.clock()
        for backup in inst.backups:
            if backup['status'] == STATUS_RUNNING and not backup.get('held') and backup['done_at'] <= now:
                backup['status'] = STATUS_FAILED if backup['fails'] else STATUS_SUCCESS
                backup['end'] = backup['done_at']

    def policy(self, region: str, instance_id: str) -> dict:
        with self.store.lock:
            return render_policy(self.store.get(region, instance_id).backup_policy, self.store.clock())

    def modify_policy(self, region: str, instance_id: str, policy: dict) -> None:
        with self.store.lock:
            inst = self._running(region, instance_id, 'its backup policy can be changed')
            inst.backup_policy = dict(policy)
            self.store.save()

    def _new_id(self) -> str:
        value = '%032x' % self.store.rng.getrandbits(128)
        return '%s-%s-4%s-a%s-%s' % (value[:8], value[8:12], value[13:16], value[17:20], value[20:])

    def _backup(self, inst, name: str, start: float, backup_type: int, status: int, done_at: float) -> dict:
        # the instance's memory and shard count: a custom-shard class alone says neither
        cls = inst.cls
        backup = dict(
            id=self._new_id(),
            name=name,
            instance_id=inst.id,
            start=start,
            end=done_at if status != STATUS_RUNNING else None,
            type=backup_type,
            status=status,
            done_at=done_at,
            fails=False,
            # a size that looks real and stays the same for the same backup
            size=inst.memory_mb * 1024 * (7 + self.store.rng.randrange(90)),
            shard_memory_mb=cls.memory_mb_per_shard,
            shard_num=inst.shards,
        )
        inst.backups.append(backup)
        return backup

    def create(self, region: str, instance_id: str, name: str, delay: float) -> dict:
        store = self.store
        with store.lock:
            inst = self._running(region, instance_id, 'a backup can be taken')
            self.settle(inst)
            if any(b['status'] == STATUS_RUNNING for b in inst.backups):
                raise failed_precondition("cacheInstance '%s' already has a backup running" % inst.id)
            now = store.clock()
            backup = self._backup(inst, name, now, TYPE_MANUAL, STATUS_RUNNING, now + delay)
            backup['fails'], inst.fail_next_backup = inst.fail_next_backup, False
            backup['held'] = 'backup' in store.holding
            self.settle(inst)
            store.save()
            return {'baseId': backup['id']}

    def list(self, region: str, instance_id: str, query: dict) -> dict:
        with self.store.lock:
            inst = self.store.get(region, instance_id)
            self.settle(inst)
            matched = [
                b
                for b in reversed(inst.backups)  # newest first
                # to the second, as the API shows the times
                if (query['start'] is None or int(b['start']) >= query['start'])
                and (query['end'] is None or int(b['start']) <= query['end'])
                and (query['base_id'] is None or b['id'] == query['base_id'])
            ]
            first = (query['page_number'] - 1) * query['page_size']
            return {
                'backups': [render(b) for b in matched[first : first + query['page_size']]],
                'totalCount': len(matched),
            }

    def find(self, inst, base_id: str) -> dict:
        """The backup ``base_id`` of ``inst``, settled (NOT_FOUND if it has none of that id)."""
        self.settle(inst)
        backup = next((b for b in inst.backups if b['id'] == base_id), None)
        if backup is None:
            # a backup of another instance is unknown to this one
            raise not_found("backup '%s' not found for cacheInstance '%s'" % (base_id, inst.id))
        return backup

    def info(self, region: str, instance_id: str, base_id: str) -> dict:
        with self.store.lock:
            inst = self.store.get(region, instance_id)
            result = render(self.find(inst, base_id))
            result['extension'] = {
                'regionId': region,
                'redisVersion': inst.redis_version,
                'platform': 'jcs',
                'cacheInstanceType': inst.cls.instance_type,
                'cpuArchType': inst.cpu_arch,
                'databaseNum': inst.db_num,
                'replicaNumber': inst.replica_number,
            }
            return result

    def restore(self, region: str, instance_id: str, base_id: str, delay: float) -> None:
        store = self.store
        with store.lock:
            inst = store.get(region, instance_id)
            backup = self.find(inst, base_id)
            inst = self._running(region, instance_id, 'it can be restored')
            if backup['status'] != STATUS_SUCCESS:
                raise failed_precondition(
                    "backup '%s' is %s; only a successful backup can be restored"
                    % (base_id, 'running' if backup['status'] == STATUS_RUNNING else 'failed')
                )
            inst.status = 'restoring'
            now = store.clock()
            store.schedule(inst, now + delay, 'restore')
            store.settle(inst, now)
            store.save()

    def download_urls(self, inst, base_id: str) -> list:
        """describeDownloadUrl: ``[{name, link}]``, one file per shard of a successful backup, the links valid for
        an hour from now."""
        with self.store.lock:
            backup = self.find(inst, base_id)
            if backup['status'] != STATUS_SUCCESS:
                raise failed_precondition("backup '%s' did not succeed; it has no files to download" % base_id)
            expires = int(self.store.clock()) + DOWNLOAD_LINK_SECONDS
            urls = []
            for shard in range(backup['shard_num']):
                name = '%s_shard%02d.rdb' % (backup['name'], shard)
                token = hashlib.sha256(('%s/%s/%d' % (backup['id'], name, expires)).encode('utf-8')).hexdigest()[:32]
                link = 'https://redis-backup.s3.%s.jdcloud-oss.com/%s/%s/%s?Expires=%d&Signature=%s' % (
                    inst.region,
                    inst.id,
                    backup['id'],
                    name,
                    expires,
                    token,
                )
                urls.append({'name': name, 'link': link})
            return urls

    def seed(self, instance_id: str, count: int, name_prefix: str, interval: float, auto: bool) -> list:
        """Admin: ``count`` successful backups of an instance, ``interval`` seconds apart, the newest ending now."""
        with self.store.lock:
            inst = self.store.get_any(instance_id)
            now = self.store.clock()
            ids = []
            for index in range(count):
                start = now - (count - index) * interval
                name = '%s_%05d' % (name_prefix, len(inst.backups) + 1)
                backup_type = TYPE_AUTO if auto else TYPE_MANUAL
                ids.append(self._backup(inst, name, start, backup_type, STATUS_SUCCESS, start + 1)['id'])
            self.store.save()
            return ids

    def fail_next(self, instance_id: str) -> None:
        """Admin: the next backup of the instance fails."""
        with self.store.lock:
            self.store.get_any(instance_id).fail_next_backup = True
            self.store.save()


# ------------------------------------------------------------------------------------------ backups
_BACKUP = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backup'


@operation('describeBackupPolicy', 'GET', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backupPolicy')
def describe_backup_policy(store, settings, region, target, params):
    return store.backups.policy(region.region_id, target.instance)


@operation('modifyBackupPolicy', 'PATCH', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backupPolicy', 'body')
def modify_backup_policy(store, settings, region, target, params):
    store.backups.modify_policy(region.region_id, target.instance, validate_policy(params))


@operation('createBackup', 'POST', _BACKUP, 'body')
def create_backup(store, settings, region, target, params):
    name = validate_create(params)
    return store.backups.create(region.region_id, target.instance, name, settings.backup_delay)


@operation('describeBackups', 'GET', _BACKUP, 'query')
def describe_backups(store, settings, region, target, params):
    return store.backups.list(region.region_id, target.instance, list_query(params))


@operation('describeBackupInfo', 'GET', _BACKUP + '/{baseId}')
def describe_backup_info(store, settings, region, target, params):
    return store.backups.info(region.region_id, target.instance, target.backup)


@operation('restoreInstance', 'POST', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/restore', 'body')
def restore_instance(store, settings, region, target, params):
    store.backups.restore(region.region_id, target.instance, validate_restore(params), settings.restore_delay)
