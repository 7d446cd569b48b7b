# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The JD Cloud APIs the collection uses: every operation of the Redis service (``RedisAPI``) and of the
resource-tag service (``TagAPI``) is one method here, and a new operation is added here only.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

One path builder (``RedisAPI.path``), one rule for an answer 404 (``absent``: a read of one resource returns
None), two pagers with one page size (``list_instances`` for the instance listing, which changes anywhere;
``read_growing`` for a listing that only grows at its head), and the result shapes every module returns
(``instance_to_result``, ``backup_to_result``, ...), made here and nowhere else.

A setting of an instance (white list, backup policy, engine parameters) is returned as the API answers it: its
component (``_component.py``) reads it through this layer and shapes it, so that this layer imports nothing
above it.
"""

import re
from urllib.parse import quote

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown

PAGE_SIZE = 100  # the API's largest page
# How many complete reads a listing that only grows at its head (backups) may take to hold still.
GROWING_READS = 3

# The version the API documents as its default for createCacheInstance and describeInstanceClass,
# used when redis_version is not sent.
API_DEFAULT_VERSION = '2.8'
# Versions asked about, only when a class is refused, to tell the user which versions sell it; a
# version the region does not offer is skipped.
KNOWN_VERSIONS = ('2.8', '4.0', '5.0', '6.2', '7.2', '8.0')

# Statuses on their way to running by themselves; deleting is on its way to nothing.
TOWARDS_RUNNING = ('creating', 'changing', 'configuring', 'restoring', 'upgrading')
# Instances in these statuses are on their way to another status; a module waits for them before acting.
TRANSITIONAL = TOWARDS_RUNNING + ('deleting',)
STATUSES = ('creating', 'running', 'error', 'changing', 'deleting', 'configuring', 'restoring', 'upgrading')

BACKUP_STATUSES = {0: 'running', 1: 'failed', 2: 'success'}
BACKUP_TYPES = {0: 'automatic', 1: 'manual'}
MANUAL_BACKUP = 1
TAG_SERVICE_CODE = 'redis'


class Refusal(Exception):
    """What the collection refuses to do, or cannot act on: a bad option (named with its rule), or an answer
    that decides nothing. ``status`` is the structured error's; ``cause``, the failed call whose explanation
    and error the failure carries; ``details`` go into the failure result (``instance``, ``candidates``, ...).
    Pure code and the API layer raise it; the module base turns it into the failure."""

    def __init__(self, message, status='INVALID_ARGUMENT', cause=None, **details):
        super().__init__(message)
        self.message = message
        self.status = status
        self.cause = cause
        self.details = details


# \Z, not $: $ also matches before a final newline.
ID_PATTERN = re.compile(r'redis-[a-z0-9]{1,32}\Z')


def instance_id_problem(value):
    """The one refusal of a malformed instance_id (the form of the API's instance IDs), or None."""
    if ID_PATTERN.match(value):
        return None
    return f'instance_id must be a Redis instance ID such as redis-abcdefgh1234 (lower-case letters and digits), got {shown(value)}'


def page_count(total):
    return max(-(-total // PAGE_SIZE), 1)


def absent(call):
    """The one rule for a read of one resource: its answer, or None when the API answers 404."""
    try:
        return call()
    except JDCloudAPIError as exc:
        if exc.code == 404:
            return None
        raise


# -- result shapes ---------------------------------------------------------------------------


def instance_to_result(api, region):
    """The one shape of an instance returned by every module of the collection."""
    az = api.get('azId') or {}
    charge = api.get('charge') or {}
    tags = api.get('tags') or []
    return dict(
        id=api.get('cacheInstanceId'),
        name=api.get('cacheInstanceName'),
        status=api.get('cacheInstanceStatus'),
        description=api.get('cacheInstanceDescription') or '',
        region=region,
        instance_class=api.get('cacheInstanceClass'),
        instance_type=api.get('cacheInstanceType'),
        memory_mb=api.get('cacheInstanceMemoryMB'),
        memory_mb_per_shard=api.get('memoryMBPerShard'),
        shard_number=api.get('shardNumber'),
        replica_number=api.get('replicaNumber'),
        redis_version=api.get('redisVersion'),
        instance_version=api.get('instanceVersion'),
        # the API answers '' for an instance without a proxy (master-slave)
        instance_proxy_version=api.get('instanceProxyVersion') or None,
        vpc_id=api.get('vpcId'),
        subnet_id=api.get('subnetId'),
        master_az=az.get('master'),
        slave_az=az.get('slave'),
        connection_domain=api.get('connectionDomain'),
        port=api.get('port'),
        auth_enabled=bool(api.get('auth')),
        ipv6=bool(api.get('ipv6On')),
        charge_mode=charge.get('chargeMode'),
        charge_status=charge.get('chargeStatus'),
        charge_start_time=charge.get('chargeStartTime'),
        charge_expired_time=charge.get('chargeExpiredTime'),
        create_time=api.get('createTime'),
        tags={t.get('key'): t.get('value') for t in tags if isinstance(t, dict)},
        maintenance_window=maintenance_window(api.get('maintenanceStartTime'), api.get('maintenanceEndTime')),
        scheduled_task_type=api.get('toBeExecutedTaskType') or None,
    )


def recycled_to_result(api, region):
    """An instance of the recycle bin: the one instance shape, plus when it was deleted and when the bin destroys
    it (``softDeletedTime``, ``retainExpireTime``, UTC)."""
    result = instance_to_result(api, region)
    result.update(
        soft_deleted_time=api.get('softDeletedTime') or None, retain_expire_time=api.get('retainExpireTime') or None
    )
    return result


def maintenance_window(start, end):
    """The window the API holds as ``HH:mmZ`` times (docs/dev/api-notes.md#maintenance-and-tasks) in the form of
    ``backup_window``, ``HH:MM-HH:MM +0000``; None when the instance has none."""
    if not (isinstance(start, str) and isinstance(end, str) and start.endswith('Z') and end.endswith('Z')):
        return None
    return f'{start[:-1]}-{end[:-1]} +0000'


# listTaskTypes' ids (the API's TaskInfo gives the id); a type it adds later is shown by its id
TASK_TYPES = {1: 'resize', 2: 'upgrade'}


def task_to_result(api, progress=None):
    """A pending or running task (listTasks' TaskInfo) with its progress (describeTaskProgressList) when running."""
    progress = progress or {}
    return dict(
        id=api.get('taskId'),
        type=TASK_TYPES.get(api.get('taskType'), str(api.get('taskType'))),
        status=api.get('taskStatus'),
        planned_start=api.get('estimatedExecutionTime') or None,
        window=maintenance_window(api.get('maintenanceStartTime'), api.get('maintenanceEndTime')),
        started=api.get('startTime') or None,
        interruptible=bool(api.get('isSupportInterruptTask')),
        progress_percent=progress.get('progressPercent'),
        elapsed_seconds=progress.get('elapsedTimeSecond'),
    )


def read_tasks(api, instance_id):
    """The planned (``init``) and running tasks of an instance, planned first, with the progress of those running
    (one more call only when a task runs)."""
    planned = api.list_tasks(instance_id, 'init')
    running = api.list_tasks(instance_id, 'running')
    progress = {p.get('taskId'): p for p in api.task_progress(instance_id)} if running else {}
    return [task_to_result(t) for t in planned] + [task_to_result(t, progress.get(t.get('taskId'))) for t in running]


def instance_class_to_result(api):
    """A describeInstanceClass entry (or a class of describeAvailableResource, as its flavor's figures) in the
    result shape."""
    return dict(
        instance_class=api.get('instanceClass'),
        instance_type=api.get('instanceType'),
        cpu=api.get('cpu'),
        memory_mb=api.get('memoryMB'),
        disk_gb=api.get('diskGB'),
        max_connection=api.get('maxConnection'),
        bandwidth_mbps=api.get('bandwidthMbps'),
    )


def quota_to_result(api):
    used = api.get('used') or 0
    maximum = api.get('max') or 0
    return dict(name=api.get('name'), max=maximum, used=used, available=max(maximum - used, 0))


def backup_to_result(api):
    """The one shape of a backup, returned by jcs_redis_backup and jcs_redis_backup_info."""
    status, kind = api.get('backupStatus'), api.get('backupType')
    return dict(
        id=api.get('baseId'),
        name=api.get('backupFileName'),
        instance_id=api.get('cacheInstanceId'),
        status=BACKUP_STATUSES.get(status, str(status)),
        type=BACKUP_TYPES.get(kind, str(kind)),
        start_time=api.get('backupStartTime') or None,
        end_time=api.get('backupEndTime') or None,
        size_bytes=api.get('backupSize'),
        shard_memory_mb=api.get('backupShardMemoryMB'),
        shard_count=api.get('backupShardNum'),
    )


# -- pagers ----------------------------------------------------------------------------------


def read_growing(fetch, key, reads=GROWING_READS):
    """``(items, settled)`` of a listing that changes only at its head (backups, newest first), which shifts
    later pages by one: an item is then seen twice, never missed. One read of ``page_count(total)`` pages is
    enough when every page reports the same total; when the total moves, the listing is read again, at most
    ``reads`` times, and ``settled`` is False when it never held still: the items are then every item seen,
    deduplicated by ``key``. ``fetch(page_number)`` returns ``(items, total)``."""
    seen = {}
    for _attempt in range(reads):
        items, total = fetch(1)
        totals = {total}
        read = list(items)
        for number in range(2, page_count(total) + 1):
            items, total = fetch(number)
            totals.add(total)
            read.extend(items)
        ordered = {}
        for item in read:
            ordered.setdefault(key(item), item)
        seen.update(ordered)
        if len(totals) == 1:
            return list(ordered.values()), True
    return list(seen.values()), False


# -- the Redis service -----------------------------------------------------------------------


class _Service:
    """A service of one region through one client (the client knows the endpoint and the signing name)."""

    def __init__(self, client, region):
        self.client = client
        self.region = region

    def path(self, *segments, action=None):
        """The one path builder: ``/regions/{region}/{segment}/...[:action]``, every segment quoted."""
        path = '/regions/{}/{}'.format(quote(self.region, safe=''), '/'.join(quote(s, safe='') for s in segments))
        return path + ':' + action if action else path

    def _call(self, method, path, **kwargs):
        return self.client.request(method, path, self.region, **kwargs)


class RedisAPI(_Service):
    """The operations of the JD Cloud Redis API v1 for one region, and those of the resource-tag service on
    Redis instances (``tag_client()`` makes that service's client when a tag call first needs it)."""

    def __init__(self, client, region, tag_client=None):
        super().__init__(client, region)
        self._tag_client = tag_client
        self._tag_api = None

    def _tag_service(self):
        if self._tag_api is None:
            self._tag_api = TagAPI(self._tag_client(), self.region)
        return self._tag_api

    def tag(self, instance_id, tags):
        """TagResources: bind (add or change) ``tags`` ({key: value}) on the instance."""
        return self._tag_service().tag(instance_id, tags)

    def untag(self, instance_id, tags):
        """UnTagResources: unbind ``tags`` from the instance."""
        return self._tag_service().untag(instance_id, tags)

    # -- instances ---------------------------------------------------------------------

    def describe(self, instance_id):
        """describeCacheInstance in the result shape; None when the instance does not exist."""
        found = absent(lambda: self._call('GET', self.path('cacheInstance', instance_id)))
        return instance_to_result(found['cacheInstance'], self.region) if found is not None else None

    def list_page(self, page, filters=None, sorts=None, tag_filters=None):
        """One page of describeCacheInstances: ``(instances in the result shape, total)``."""
        result = self._call('GET', self.path('cacheInstance'), query=_listing_query(page, filters, sorts, tag_filters))
        items = [instance_to_result(item, self.region) for item in result.get('cacheInstances') or []]
        return items, result.get('totalCount') or 0

    def list_instances(self, filters=None, sorts=None, concurrency=1, merge=True, tag_filters=None):
        """describeCacheInstances over every page, in the result shape: ``(instances, settled)``
        (``_listing.list_instances``)."""
        from ansible_collections.jdcloud.cloud.plugins.module_utils import _listing

        return _listing.list_instances(self, filters, sorts, concurrency, merge, tag_filters)

    def find_by_name(self, name):
        """``(instances named exactly name, settled)`` in the result shape, whatever their status (the API's
        name filter is a substring match); see list_instances for ``settled``."""
        candidates, settled = self.list_instances(filters=[dict(name='cacheInstanceName', values=[name])], merge=False)
        return [i for i in candidates if i['name'] == name], settled

    def quota(self):
        """describeQuota in the result shape; None when the answer holds no quota."""
        found = self._call('GET', self.path('quota')).get('quota')
        return quota_to_result(found) if found else None

    def available_resources(self):
        """describeAvailableResource: what the region sells, by architecture, version and memory size, with the
        shard counts of each class and the replica counts of each architecture."""
        return self._call('GET', self.path('availableResource')).get('availableResources') or []

    def instance_classes(self, redis_version=None):
        """describeInstanceClass, the API's entries (the planners read them as they are)."""
        query = dict(redisVersion=redis_version) if redis_version else None
        return self._call('GET', self.path('instanceClass'), query=query).get('instanceClasses') or []

    def create(self, spec, charge):
        body = dict(cacheInstance=spec)
        if charge:
            body['charge'] = charge
        return self._call('POST', self.path('cacheInstance'), body=body)

    def modify_attribute(self, instance_id, name=None, description=None):
        body = {
            k: v for k, v in (('cacheInstanceName', name), ('cacheInstanceDescription', description)) if v is not None
        }
        # Setting the same name/description twice has the same effect as once.
        return self._call('PATCH', self.path('cacheInstance', instance_id), body=body, idempotent=True)

    def modify_class(self, instance_id, instance_class, shard_number=None, replica_number=None, effective_time=None):
        """modifyCacheInstanceClass; ``effective_time`` ``MaintainTime`` plans it for the maintenance window (a task),
        None leaves the API's default (at once)."""
        # cacheInstanceClass is required even when only the shard or replica count changes
        body = dict(cacheInstanceClass=instance_class)
        if shard_number is not None:
            body['shardNumber'] = shard_number
        if replica_number is not None:
            body['replicaNumber'] = replica_number
        if effective_time is not None:
            body['effectiveTime'] = effective_time
        return self._call('POST', self.path('cacheInstance', instance_id, action='modifyCacheInstanceClass'), body=body)

    def reset_password(self, instance_id, password):
        # Resetting to the same password twice leaves the same password.
        return self._call(
            'POST',
            self.path('cacheInstance', instance_id, action='resetCacheInstancePassword'),
            body=dict(password=password),
            idempotent=True,
        )

    def delete(self, instance_id):
        return self._call('DELETE', self.path('cacheInstance', instance_id))

    def check_deletable(self, instance_id):
        """checkDeletable: None when a delete would be safe; the API's refusal (a JDCloudAPIError, 400
        FAILED_PRECONDITION saying why) when not. It changes nothing, so it is safe to resend and to ask in check
        mode."""
        return self._call('POST', self.path('cacheInstance', instance_id, 'checkDeletable'), idempotent=True)

    # -- the recycle bin (docs/dev/api-notes.md#recycle-bin) ---------------------------------

    def recycled_page(self, page, filters=None, sorts=None, tag_filters=None):
        """One page of recycledCacheInstance, the recycle bin (docs/dev/api-notes.md#recycle-bin), which takes the
        query of describeCacheInstances: ``(instances in the shape of recycled_to_result, total)``."""
        query = _listing_query(page, filters, sorts, tag_filters)
        result = self._call('GET', self.path('recycledCacheInstance'), query=query)
        items = [recycled_to_result(item, self.region) for item in result.get('cacheInstances') or []]
        return items, result.get('totalCount') or 0

    def list_recycled(self, filters=None, sorts=None, concurrency=1, tag_filters=None):
        """recycledCacheInstance over every page, read as list_instances reads the live instances (deletes,
        recoveries and expiries move the bin anywhere): ``(instances, settled)``."""
        from ansible_collections.jdcloud.cloud.plugins.module_utils import _listing

        return _listing.list_instances(self, filters, sorts, concurrency, True, tag_filters, page=self.recycled_page)

    def find_recycled(self, instance_id=None, name=None):
        """The instances of the recycle bin with ``instance_id``, or else named exactly ``name`` (the API's name
        filter is a substring match), in the shape of ``recycled_to_result``."""
        if instance_id:
            return [
                i
                for i in self.list_recycled([dict(name='cacheInstanceId', values=[instance_id])])[0]
                if i['id'] == instance_id
            ]
        return [i for i in self.list_recycled([dict(name='cacheInstanceName', values=[name])])[0] if i['name'] == name]

    def destroy_recycled(self, instance_id):
        """deleteRecycledCacheInstance: an instance of the recycle bin is destroyed for good."""
        return self._call('DELETE', self.path('recycledCacheInstance', instance_id))

    def recover(self, instance_id):
        """recoverInstance: the instance leaves the bin. Not resent by the client: a second one is refused once
        the first went through (a lost answer is checked by reading the instance)."""
        return self._call('POST', self.path('cacheInstance', instance_id, action='recoverInstance'))

    # -- lookups: a Refusal when the answer decides nothing ---------------------------------

    def known_region(self):
        """One read in the region, so that a region the API does not know is reported as such, the way the
        read-only modules report it, before options that only make sense in a known region are blamed."""
        try:
            self.quota()
        except JDCloudAPIError as exc:
            if exc.code not in (400, 404):
                raise
            raise Refusal(f'region {shown(self.region)} was refused', cause=exc) from None

    def offered_classes(self, redis_version):
        """describeInstanceClass, refused naming redis_version when the region does not offer the version."""
        try:
            return self.instance_classes(redis_version)
        except JDCloudAPIError as exc:
            if exc.code != 400:
                raise
            raise Refusal(
                f'redis_version {shown(redis_version)} is not offered in region {self.region}', cause=exc
            ) from None

    def class_not_sold(self, instance_class, redis_version, classes, resize=False):
        """The Refusal of an instance class the region does not sell (``_listing.class_not_sold``)."""
        from ansible_collections.jdcloud.cloud.plugins.module_utils import _listing

        return _listing.class_not_sold(self, instance_class, redis_version, classes, resize)

    def no_such_instance(self, instance_id, exc=None):
        """The Refusal of an instance_id the region does not have, with the API's answer when there is one."""
        return Refusal(f'instance_id {instance_id}: no such instance in region {self.region}', 'NOT_FOUND', cause=exc)

    def instances_named(self, name):
        """``(matches, deleting)`` of an exact name (``_listing.instances_named``)."""
        from ansible_collections.jdcloud.cloud.plugins.module_utils import _listing

        return _listing.instances_named(self, name)

    def find_instance(self, instance_id=None, name=None):
        """``(instance or None, deleting)``: the instance with ``instance_id``, or else the one named exactly
        ``name``, and the ids of the instances with the name that are being deleted (so that a module can say
        why it finds none). More than one instance with the name is refused with the candidates: names are
        not unique on JD Cloud, and guessing would change the wrong instance."""
        if instance_id:
            return self.describe(instance_id), []
        matches, deleting = self.instances_named(name)
        if len(matches) > 1:
            candidates = [dict(id=m['id'], status=m['status'], create_time=m['create_time']) for m in matches]
            raise Refusal(
                '{} instances are named {!r}; set instance_id to choose one: {}'.format(
                    len(matches),
                    name,
                    ', '.join('{id} ({status}, created {create_time})'.format(**c) for c in candidates),
                ),
                status='AMBIGUOUS_NAME',
                candidates=candidates,
            )
        return (matches[0] if matches else None), deleting

    # -- settings of an instance (404: the instance does not exist) --------------------------

    def whitelist(self, instance_id):
        """describeWhiteListGroup: the API's ``whiteLists``."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'whiteListGroup')).get('whiteLists')

    def add_whitelist_group(self, instance_id, name, ips):
        body = dict(name=name, ips=','.join(ips))
        return self._call('POST', self.path('cacheInstance', instance_id, 'whiteListGroup'), body=body)

    def modify_whitelist_group(self, instance_id, name, ips):
        # Setting the same addresses twice leaves the same addresses.
        body = dict(name=name, ips=','.join(ips))
        return self._call('PUT', self.path('cacheInstance', instance_id, 'whiteListGroup'), body=body, idempotent=True)

    def delete_whitelist_group(self, instance_id, name):
        return self._call('DELETE', self.path('cacheInstance', instance_id, 'whiteListGroup'), query=dict(name=name))

    def backup_policy(self, instance_id):
        """describeBackupPolicy, the API's answer."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'backupPolicy'))

    def modify_backup_policy(self, instance_id, auto_backup, days, window):
        body = dict(autoBackup=auto_backup, backupTime=window, backupPeriod=','.join(days))
        # Setting the same policy twice leaves the same policy.
        return self._call('PATCH', self.path('cacheInstance', instance_id, 'backupPolicy'), body=body, idempotent=True)

    def modify_maintenance_window(self, instance_id, start_time, end_time):
        """maintenanceTime: the window from ``start_time`` to ``end_time`` (``HH:mmZ``)."""
        body = dict(startTime=start_time, endTime=end_time)
        # Setting the same window twice leaves the same window.
        return self._call(
            'POST', self.path('cacheInstance', instance_id, 'maintenanceTime'), body=body, idempotent=True
        )

    def list_tasks(self, instance_id, status):
        """listTasks of the instance in ``status`` (``init``, ``running``): the API's TaskInfo list. A regionless
        path; its ``regionId`` parameter makes it signed for the region (docs/dev/api-notes.md#maintenance-and-tasks).
        An instance has at most one planned task per type and few running, so one page of 100 holds them."""
        query = dict(regionId=self.region, instanceId=instance_id, taskStatus=status, pageNumber=1, pageSize=PAGE_SIZE)
        return self.client.request('GET', '/tasks', self.region, query=query).get('tasks') or []

    def upgrade_versions(self, instance_id):
        """describeUpgradeVersion: the API's answer (``minorVersion`` and ``proxyMinorVersion``, the versions run now;
        ``majorVersion`` and ``proxyMajorVersions``, the newer minor releases offered; ``''`` and ``[]`` for the proxy
        of an instance that has none)."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'describeUpgradeVersion'))

    def modify_minor_version(self, instance_id, redis=None, proxy=None, effective_time=None):
        """modifyInstanceMinorVersion of Redis (``redis``) or of the proxy (``proxy``), one of them: the API refuses
        both in one call. ``effective_time`` as for ``modify_class``."""
        body = {
            key: value
            for key, value in (('minorVersion', redis), ('proxyMinorVersion', proxy), ('effectiveTime', effective_time))
            if value is not None
        }
        return self._call('POST', self.path('cacheInstance', instance_id, 'modifyInstanceMinorVersion'), body=body)

    def task_progress(self, instance_id):
        """describeTaskProgressList: the running tasks' progress, ``[{taskId, progressPercent, ...}]``."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'taskProgress')).get('taskProgresses') or []

    # the regionless task operations carry no region: the SDK signs them for this one
    TASK_SIGNING_REGION = 'jdcloud-api'

    def task(self, task_id):
        """listTask: the API's answer for one task (with ``taskId``); None when there is no such task."""
        found = absent(
            lambda: self.client.request('GET', '/task', self.TASK_SIGNING_REGION, query=dict(taskId=task_id))
        )
        return None if found is None else dict(found, taskId=task_id)

    def cancel_task(self, task_id):
        """cancelTask: a planned task is stopped (``manual_stop``)."""
        return self.client.request('POST', '/cancelTask', self.TASK_SIGNING_REGION, body=dict(taskId=task_id))

    def modify_task_run_time(self, task_id, start_time, end_time):
        """modifyTaskRunTime: a planned task moves to the window ``start_time`` to ``end_time`` (``HH:mmZ``)."""
        body = dict(taskId=task_id, startTime=start_time, endTime=end_time)
        # Moving a task to the same window twice leaves it there.
        return self.client.request('POST', '/modifyTaskRunTime', self.TASK_SIGNING_REGION, body=body, idempotent=True)

    def config(self, instance_id):
        """describeInstanceConfig, the API's answer (``instanceConfig``, ``unSupportConfigs``)."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'instanceConfig'))

    def modify_config(self, instance_id, changes):
        """modifyInstanceConfig with every ``{name: value}`` of ``changes`` in one call."""
        items = [dict(configName=name, configValue=value) for name, value in changes.items()]
        return self._call(
            'POST', self.path('cacheInstance', instance_id, 'instanceConfig'), body=dict(instanceConfig=items)
        )

    def accounts(self, instance_id):
        """describeAccounts: the API's answer (``isSupport``, ``accountLists``; never a password)."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'account'))

    def create_account(self, instance_id, name, password, privilege=None, description=None):
        body = dict(accountName=name, accountPassword=password)
        body.update(_account_fields(privilege, description))
        return self._call('POST', self.path('cacheInstance', instance_id, 'account'), body=body)

    def modify_account(self, instance_id, name, password=None, privilege=None, description=None):
        body = dict(accountName=name, **_account_fields(privilege, description, password))
        # Setting the same password, privilege and description twice leaves the same account.
        return self._call('PATCH', self.path('cacheInstance', instance_id, 'account'), body=body, idempotent=True)

    def modify_accounts(self, instance_id, changes):
        """modifyAccounts: every ``{name, password, privilege, description}`` of ``changes`` in one call (all or
        nothing, as the API applies it)."""
        accounts = [
            dict(accountName=c['name'], **_account_fields(c.get('privilege'), c.get('description'), c.get('password')))
            for c in changes
        ]
        return self._call(
            'PATCH', self.path('cacheInstance', instance_id, 'accounts'), body=dict(accounts=accounts), idempotent=True
        )

    def delete_account(self, instance_id, name):
        return self._call('DELETE', self.path('cacheInstance', instance_id, 'account'), query=dict(accountName=name))

    def password_problem(self, password):
        """checkPasswordValid (regional, changes nothing): the API's reason a password breaks its policy, or
        None when it keeps it."""
        result = self._call('POST', self.path('checkPasswordValid'), body=dict(password=password), idempotent=True)
        return None if result.get('valid') else (result.get('msg') or 'it breaks the password policy')

    def tls(self, instance_id):
        """describeInstanceTLS, the API's answer (``tlsType``, ``tlsStatus``, ``featureSupport``, ``tlsVersion``,
        ``certExpiration``, ``ca``, ``caDownloadUrl``)."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'tls'))

    def modify_tls(self, instance_id, tls_type=None, status=None, versions=None):
        """modifyInstanceTLS: ``status`` enable, disable or updateCertificate; what is None is not sent (kept)."""
        body = {
            k: v for k, v in (('tlsType', tls_type), ('tlsStatus', status), ('tlsVersion', versions)) if v is not None
        }
        # Setting the status, type or versions twice leaves the same TLS; a second updateCertificate issues yet another
        # certificate, so it is never resent.
        return self._call(
            'POST', self.path('cacheInstance', instance_id, 'tls'), body=body, idempotent=status != 'updateCertificate'
        )

    def disabled_commands(self, instance_id):
        """getDisableCommands: the API's ``disableCommandLists`` (``[{commandName, disableTime}]``)."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'disableCommands')).get('disableCommandLists')

    def disable_command_catalogue(self, instance_id):
        """listDisableCommands: the API's ``disableCommands``, the names of the commands the instance lets disable."""
        return self._call('GET', self.path('cacheInstance', instance_id, 'listDisableCommands')).get('disableCommands')

    def set_disabled_commands(self, instance_id, flags):
        """setDisableCommands with every ``{COMMAND: disabled}`` of ``flags`` in one call."""
        items = [dict(commandName=name, isDisable=flag) for name, flag in sorted(flags.items())]
        # Per-command flags: sending the same flags twice leaves the same set.
        return self._call(
            'POST',
            self.path('cacheInstance', instance_id, 'disableCommands'),
            body=dict(disableCommands=items),
            idempotent=True,
        )

    # -- backups -------------------------------------------------------------------------

    def backups(self, instance_id, start_time=None, end_time=None, backup_id=None):
        """Every backup of the instance (describeBackups, all pages, newest first) in the result shape."""
        path = self.path('cacheInstance', instance_id, 'backup')

        def fetch(number):
            query = dict(
                pageNumber=number, pageSize=PAGE_SIZE, startTime=start_time, endTime=end_time, baseId=backup_id
            )
            result = self._call('GET', path, query={k: v for k, v in query.items() if v is not None})
            return [backup_to_result(b) for b in result.get('backups') or []], result.get('totalCount') or 0

        return read_growing(fetch, lambda backup: backup['id'])[0]

    def backup(self, instance_id, backup_id):
        """describeBackupInfo in the result shape; None when the instance has no such backup."""
        found = absent(lambda: self._call('GET', self.path('cacheInstance', instance_id, 'backup', backup_id)))
        return backup_to_result(found) if found is not None else None

    def download_urls(self, instance_id, backup_id):
        """describeDownloadUrl: the temporary links to the files of a successful backup, one per shard file
        (``[{name, link}]``), valid one hour (docs/dev/api-notes.md#recycle-bin). Each link gives access to the data."""
        path = self.path('cacheInstance', instance_id, 'backup', action='describeDownloadUrl')
        result = self._call('GET', path, query=dict(baseId=backup_id))
        return [dict(name=u.get('name'), link=u.get('link')) for u in result.get('downloadUrls') or []]

    def create_backup(self, instance_id, name):
        """createBackup (a manual backup); the new backup's id."""
        body = dict(fileName=name, backupType=MANUAL_BACKUP)
        return self._call('POST', self.path('cacheInstance', instance_id, 'backup'), body=body).get('baseId')

    def restore(self, instance_id, backup_id):
        return self._call('POST', self.path('cacheInstance', instance_id, 'restore'), body=dict(baseId=backup_id))


def _listing_query(page, filters, sorts, tag_filters):
    """The query of one page of an instance listing (describeCacheInstances, recycledCacheInstance)."""
    return dict(
        pageNumber=page,
        pageSize=PAGE_SIZE,
        filters=filters or None,
        sorts=sorts or None,
        tagFilters=tag_filters or None,
    )


def _account_fields(privilege, description, password=None):
    """The optional fields of an account write, those given only (``privilege`` as the API names it)."""
    fields = dict(accountPassword=password, accountPrivilege=privilege, accountDescription=description)
    return {key: value for key, value in fields.items() if value is not None}


# -- the resource-tag service ----------------------------------------------------------------


class TagAPI(_Service):
    """TagResources and UnTagResources of JD Cloud's resource-tag service (its own endpoint and signing name,
    the client given) for one region."""

    def _tags(self, action, instance_id, tags):
        body = {
            action: dict(
                resources=[dict(serviceCode=TAG_SERVICE_CODE, resourceId=[instance_id])],
                tags=[dict(key=key, value=value) for key, value in sorted(tags.items())],
            )
        }
        # Binding or unbinding the same tags twice leaves the same tags: safe to resend after a lost answer.
        return self._call('POST', self.path('tags', action=action), body=body, idempotent=True)

    def tag(self, instance_id, tags):
        return self._tags('tagResources', instance_id, tags)

    def untag(self, instance_id, tags):
        return self._tags('unTagResources', instance_id, tags)
