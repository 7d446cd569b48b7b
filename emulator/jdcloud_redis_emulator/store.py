"""Instances, quotas and the time-driven lifecycle (docs/dev/api-notes.md#operations, #lifecycle).

Transitions are not driven by threads: each instance keeps the wall-clock time at which its
pending transition completes (``creating``/``changing`` → ``running``, ``deleting`` → gone)
and every read settles what is due.  That keeps the emulator cheap and makes the state file
self-describing: after a restart, transitions that fell due while it was down are applied.

Listing 10,000 instances page by page must not cost a scan of the region per page, so the store
keeps (1) a heap of pending transitions, which lets a read settle what is due without visiting
every instance, and (2) two versions per region, which ``derived()`` uses to memoise per-region
results (the sorted and filtered lists of listing.py): one bumped by every change a listing could
show, and one bumped only when instances come or go or change a sort key (createTime, class), so
that a rename or a status change does not throw away the sorted lists.
"""

from __future__ import annotations

import collections
import dataclasses
import heapq
import itertools
import json
import os
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field

from . import accounts, catalogue, parameters, recycle, security, tagging, tasks, whitelist
from . import backups as bk
from .accounts import hash_password, password_matches
from .errors import (
    failed_precondition,
    instance_not_found,
    invalid_argument,
    quota_exceeded,
)
from .validation import charge_expiry, replica_count, shard_count
from .whitelist import DEFAULT_GROUP

STATUSES = ('creating', 'running', 'error', 'changing', 'deleting', 'configuring', 'restoring', 'upgrading')
# The transitions that take time, which the admin endpoint can hold until a test releases them. A new kind of
# transition adds its name here and its backend passes it to schedule().
TRANSITIONS = ('create', 'resize', 'delete', 'config', 'restore', 'backup', 'upgrade')
QUOTA_NAME = '缓存Redis'
_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
STATE_VERSION = 1
DERIVED_CACHE_SIZE = 32  # memoised per-region results kept (each at most one list of references per region)


def iso(ts: float) -> str:
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


@dataclass
class Instance:
    id: str
    region: str
    name: str
    description: str
    instance_class: str
    redis_version: str
    vpc_id: str
    subnet_id: str
    az_master: str
    az_slave: str
    create_time: float
    status: str
    charge_mode: str
    charge_start: float
    charge_expire: float | None = None
    charge_unit: str | None = None
    charge_duration: int | None = None
    charge_status: str = 'normal'
    auto_renew: bool = False
    password_hash: str = ''  # salted sha256; the emulator never needs the password back
    port: int = 6379
    ipv6_on: int = 0
    transition_at: float | None = None
    held: str = ''  # the kind of the pending transition while it is held (transition_at is then None)
    pending_class: str | None = None
    # set for custom-shard classes only; every other class has the shard count of its definition
    shard_number: int | None = None
    pending_shard_number: int | None = None
    pending_replica_number: int | None = None
    tags: list | None = None
    # set through the admin endpoint: the tag service then fails for this instance with this reason
    tag_failure: str = ''
    resource_group_id: str = ''
    db_num: int = 16
    replica_number: int = 2
    slave_appendonly: str = 'no'
    maxmemory_policy: str = 'volatile-lru'
    cpu_arch: str = 'amd64'
    extension: dict = field(default_factory=dict)
    # a new instance is open to everything through the group that cannot be deleted (README)
    white_lists: list = field(default_factory=lambda: [dict(DEFAULT_GROUP)])
    # engine parameters changed from their defaults (maxmemory-policy lives in maxmemory_policy)
    config: dict = field(default_factory=dict)
    backup_policy: dict = field(default_factory=lambda: dict(bk.DEFAULT_POLICY))
    backups: list = field(default_factory=list)  # newest last
    fail_next_backup: bool = False
    # day 2 (accounts.py, security.py, tasks.py, recycle.py): the normal accounts (the default one is the
    # instance's password), TLS, disabled commands, the maintenance window, tasks and minor versions
    accounts: list = field(default_factory=list)
    tls: dict = field(default_factory=dict)
    disabled_commands: list = field(default_factory=list)
    maintenance_start: str = ''
    maintenance_end: str = ''
    tasks: list = field(default_factory=list)  # oldest first
    task_due_at: float | None = None  # when the earliest scheduled task is due
    minor_version: str = ''  # '' = the version's first release (catalogue)
    proxy_minor_version: str = ''
    recycle_retention: float = 0.0  # set by a delete: seconds in the recycle bin once gone (0: destroyed)
    status_before_delete: str = ''  # what the recycle bin shows, and what a recovered instance is again
    soft_deleted_at: float | None = None
    retain_until: float | None = None
    # a clone (recycle.py): {'baseId', 'srcInstanceId'} of the backup it was created from; the emulator holds no
    # data, so this is what of the backup the new instance has (admin: instance state)
    cloned_from: dict | None = None

    @property
    def cls(self) -> catalogue.InstanceClass:
        return catalogue.find_class_any_version(self.instance_class)

    @property
    def shards(self) -> int:
        return self.shard_number if self.cls.custom_shards and self.shard_number else self.cls.shards

    @property
    def memory_mb(self) -> int:
        return self.cls.total_memory_mb(self.shards)

    def render(self) -> dict:
        """The CacheInstance model (docs/dev/api-notes.md#instance-model) as describeCacheInstance(s) return it."""
        cls = self.cls
        region = catalogue.REGIONS[self.region]
        charge = {
            'chargeMode': self.charge_mode,
            'chargeStatus': self.charge_status,
            'chargeStartTime': iso(self.charge_start),
        }
        if self.charge_expire is not None:
            charge['chargeExpiredTime'] = iso(self.charge_expire)
        return {
            'cacheInstanceId': self.id,
            'cacheInstanceName': self.name,
            'cacheInstanceClass': self.instance_class,
            'cacheInstanceMemoryMB': self.memory_mb,
            'cacheInstanceStatus': self.status,
            'cacheInstanceDescription': self.description,
            'createTime': iso(self.create_time),
            'azId': {'master': self.az_master, 'slave': self.az_slave},
            'vpcId': self.vpc_id,
            'subnetId': self.subnet_id,
            'connectionDomain': '%s-proxy-nlb.jvessel-open-%s.jdcloud.com' % (self.id, region.code),
            'port': self.port,
            'charge': charge,
            'instanceVersion': self.minor_version or catalogue.INSTANCE_VERSIONS[self.redis_version],
            'instanceProxyVersion': (self.proxy_minor_version or catalogue.PROXY_VERSIONS[self.redis_version])
            if cls.instance_type == 'cluster'
            else '',
            'auth': bool(self.password_hash),
            'isAllowNoAuth': True,
            'redisVersion': self.redis_version,
            'cacheInstanceType': cls.instance_type,
            'ipv6On': self.ipv6_on,
            'tags': [dict(t) for t in self.tags] if self.tags else None,
            'resourceGroupId': self.resource_group_id,
            'shardNumber': self.shards,
            'memoryMBPerShard': cls.memory_mb_per_shard,
            'extension': dict(self.extension),
            'slaveAppendonly': self.slave_appendonly,
            'databaseNum': str(self.db_num),
            'maxmemoryPolicy': self.maxmemory_policy,
            'replicaNumber': self.replica_number,
            'cpuArchType': self.cpu_arch,
            'maintenanceStartTime': self.maintenance_start,
            'maintenanceEndTime': self.maintenance_end,
            'toBeExecutedTaskType': tasks.to_be_executed(self),
        }


class Store:
    """All instances, their lifecycle and quotas.  Every public method takes the store lock.

    The other resources of an instance have one backend each, in the module of the resource, made here and
    sharing this store's lock, clock, instances and state file: ``whitelists`` (whitelist.py), ``config``
    (parameters.py), ``backups`` (backups.py), ``tags`` (tagging.py), ``accounts`` (accounts.py),
    ``security`` (security.py: TLS and disabled commands), ``tasks`` (tasks.py: maintenance windows, tasks
    and minor versions) and ``recycle_bin`` (recycle.py).  Their state lives in the ``Instance`` fields, so
    ``save`` and ``_load`` need no change when a backend is added.  A backend uses only the public part of
    the store, listed under "what a backend may rely on" below; the underscored names are the store's own.

    Every change to an instance goes through ``_add``, ``_remove`` or ``_changed`` so that the
    region's version moves and memoised listings are rebuilt.  Code outside the store that edits
    an ``Instance`` in place (tests back-date ``create_time``) must call ``changed(region)`` after.
    """

    def __init__(self, default_quota: int = 20, state_file: str = None, clock=time.time):
        self.lock = threading.RLock()
        self.default_quota = default_quota
        self.state_file = state_file
        self.clock = clock
        self.holding = set()  # kinds of transition that wait for release() instead of their delay
        self.instances = {}
        self.recycled = {}  # id -> Instance in the recycle bin (recycle.py): in no listing, count or quota
        self.quotas = {}
        self.seed_counter = 0
        self._ids = random.Random()
        self._regions = {}  # region -> {id: Instance}, the same objects as self.instances
        self._due = []  # heap of (transition_at, id); stale entries are skipped
        # region -> stamp of its last change (of its last change that may reorder it); stamps come from one
        # counter for all regions, so a version never describes two different states, even of two regions;
        # a region never changed is empty, whichever it is, and has version 0
        self._stamps = itertools.count(1)
        self._versions = {}
        self._order_versions = {}
        self._derived = (
            collections.OrderedDict()
        )  # (region, order_only, key) -> (version, value), least recently used first
        # one backend per resource of an instance, sharing this store's lock, clock and instances
        self.whitelists = whitelist.WhiteLists(self)
        self.config = parameters.Config(self)
        self.backups = bk.Backups(self)
        self.tags = tagging.Tags(self)
        self.accounts = accounts.Accounts(self)
        self.security = security.Security(self)
        self.tasks = tasks.Tasks(self)
        self.recycle_bin = recycle.RecycleBin(self)
        if state_file and os.path.exists(state_file):
            self._load()

    # ----------------------------------------------------------------- persistence
    def _load(self) -> None:
        with open(self.state_file, encoding='utf-8') as handle:
            data = json.load(handle)
        if data.get('version') != STATE_VERSION:
            raise ValueError('state file %s has unsupported version %r' % (self.state_file, data.get('version')))
        now = self.clock()
        for item in data.get('instances', []):
            inst = Instance(**item)
            if inst.held:  # holds are run-time controls and end with the process that set them
                inst.held, inst.transition_at = '', now
            for backup in inst.backups:
                if backup.get('held'):
                    backup['held'], backup['done_at'] = False, now
            self._add(inst)
        for item in data.get('recycled', []):
            inst = Instance(**item)
            self.recycled[inst.id] = inst
        self.quotas = {k: int(v) for k, v in data.get('quotas', {}).items()}
        self.seed_counter = int(data.get('seed_counter', 0))

    def save(self) -> None:
        if not self.state_file:
            return
        with self.lock:
            data = {
                'version': STATE_VERSION,
                'quotas': self.quotas,
                'seed_counter': self.seed_counter,
                'instances': [dataclasses.asdict(i) for i in self.instances.values()],
                'recycled': [dataclasses.asdict(i) for i in self.recycled.values()],
            }
            directory = os.path.dirname(os.path.abspath(self.state_file))
            fd, tmp = tempfile.mkstemp(prefix='.emulator-state-', dir=directory)
            try:
                with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                    json.dump(data, handle, ensure_ascii=False, indent=1)
                os.replace(tmp, self.state_file)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise

    # ----------------------------------------------------------------- bookkeeping
    def _changed(self, region: str, reorders: bool = False) -> None:
        """Record a change in ``region``; ``reorders`` when instances came or went or a sort key changed."""
        stamp = next(self._stamps)
        self._versions[region] = stamp
        if reorders:
            self._order_versions[region] = stamp

    def _add(self, inst: Instance) -> None:
        self.instances[inst.id] = inst
        self._regions.setdefault(inst.region, {})[inst.id] = inst
        for when in (inst.transition_at, inst.task_due_at):
            if when is not None:
                heapq.heappush(self._due, (when, inst.id))
        self._changed(inst.region, reorders=True)

    def _remove(self, inst: Instance) -> None:
        del self.instances[inst.id]
        del self._regions[inst.region][inst.id]
        self._changed(inst.region, reorders=True)

    def _schedule(self, inst: Instance, when: float, kind: str) -> None:
        """The pending transition of ``inst`` completes at ``when``, or when released if ``kind`` is held."""
        if kind in self.holding:
            inst.held, inst.transition_at = kind, None
        else:
            inst.held, inst.transition_at = '', when
            heapq.heappush(self._due, (when, inst.id))
        self._changed(inst.region)

    # ----------------------------------------------------------------- lifecycle
    def _settle(self, inst: Instance, now: float) -> bool:
        """Apply a due transition; False if the instance is gone."""
        if inst.task_due_at is not None and now >= inst.task_due_at:
            self.tasks.run_due(inst, now)  # a window arrived: its task starts (and may be due to end already)
        if inst.transition_at is None or now < inst.transition_at:
            return True
        done_at, inst.transition_at = inst.transition_at, None
        if inst.status == 'deleting':
            self._remove(inst)
            if inst.recycle_retention:
                self.recycle_bin.admit(inst, done_at)
            return False
        reclassed = inst.status == 'changing' and inst.pending_class
        self.tasks.finished(inst, done_at)
        if reclassed:
            inst.instance_class = inst.pending_class
            inst.shard_number = inst.pending_shard_number
            inst.replica_number = inst.pending_replica_number or inst.replica_number
        inst.pending_class = inst.pending_shard_number = inst.pending_replica_number = None
        inst.status = 'running'
        self._changed(inst.region, reorders=bool(reclassed))  # a new class may move it in a totalMemory sort
        return True

    def _settle_due(self) -> None:
        """Apply every transition that is due, visiting only those (the heap is ordered by due time).

        An entry is stale when its transition was cancelled (forced status, deleted instance) or
        replaced by a later one; ``_settle`` then finds nothing due and the entry is just dropped."""
        now = self.clock()
        due = self._due
        while due and due[0][0] <= now:
            dummy, instance_id = heapq.heappop(due)
            inst = self.instances.get(instance_id)
            if inst is not None:
                self._settle(inst, now)

    def _new_id(self) -> str:
        while True:
            candidate = 'redis-' + ''.join(self._ids.choice(_ID_ALPHABET) for dummy in range(12))
            if candidate not in self.instances:
                return candidate

    def _order(self) -> dict:
        return {
            'orderNum': str(self._ids.randrange(10**16, 10**17)),
            'buyId': 'B' + str(self._ids.randrange(10**17, 10**18)),
        }

    # ----------------------------------------------------------------- what a backend may rely on
    # Besides these methods: ``lock`` (re-entrant: a backend holds it in each of its public methods and calls
    # the store under it), ``clock()`` (the time; the admin endpoint may advance it), ``instances`` (id -> live
    # Instance, read after ``settle_due``), ``recycled`` (id -> Instance in the recycle bin), ``holding`` (the
    # kinds of transition held), ``save()`` after every change, and the instance operations (``get``,
    # ``get_any``, ``check_resize``, ``apply_resize``, ``resize``, ``check_delete``, ``delete``, ``used``,
    # ``quota_max``, ``order``).
    @property
    def rng(self) -> random.Random:
        """The one source of the store's random ids, order numbers and sizes: a backend draws from it."""
        return self._ids

    def settle_due(self) -> None:
        """Apply every transition that is due by the clock.  ``get`` and ``get_any`` do it; a backend that
        reads ``instances`` or ``recycled`` without them calls it first."""
        with self.lock:
            self._settle_due()

    def schedule(self, inst: Instance, when: float, kind: str) -> None:
        """Start a transition of ``inst``, whose status the backend has just set (e.g. 'configuring'): at
        ``when``, or on the admin's release if transitions of ``kind`` (one of ``TRANSITIONS``) are held, the
        instance is 'running' again and its running task has succeeded (a 'deleting' one is gone)."""
        with self.lock:
            self._schedule(inst, when, kind)

    def settle(self, inst: Instance, now: float) -> bool:
        """Apply what is due of ``inst`` at ``now`` (a transition scheduled with no delay completes at once);
        False when the instance is gone."""
        with self.lock:
            return self._settle(inst, now)

    def wake_at(self, inst: Instance, when: float) -> None:
        """Have ``settle`` visit ``inst`` at ``when`` (``Instance.task_due_at``: a planned task's time); a visit
        that finds nothing due does nothing, so a time that was changed since is harmless."""
        with self.lock:
            heapq.heappush(self._due, (when, inst.id))

    def changed(self, region: str, reorders: bool = True) -> None:
        """Declare that instances of ``region`` were edited in place, outside the store's methods, so that
        memoised listings are rebuilt; ``reorders=False`` when no sort key (createTime, class) changed and no
        instance came or went."""
        with self.lock:
            self._changed(region, reorders=reorders)

    def add(self, inst: Instance) -> None:
        """Make ``inst`` a live instance again (one recovered from the recycle bin), with its pending times."""
        with self.lock:
            self._add(inst)

    def get(self, region: str, instance_id: str) -> Instance:
        with self.lock:
            self._settle_due()
            inst = self.instances.get(instance_id)
            if inst is None or inst.region != region:
                raise instance_not_found(instance_id)
            return inst

    def list(self, region: str) -> list:
        with self.lock:
            self._settle_due()
            return list(self._regions.get(region, {}).values())

    def derived(self, region: str, key, build, order_only: bool = False):
        """``build()``, memoised until anything in ``region`` changes, a due transition included.

        With ``order_only``, until instances come or go or change createTime or class: for a
        ``build`` that reads nothing else (a sort).  ``build`` must depend only on the region's
        instances and ``key``; the value it returns is shared between callers: never modify it."""
        with self.lock:
            self._settle_due()
            version = (self._order_versions if order_only else self._versions).get(region, 0)
            slot = (region, order_only, key)
            hit = self._derived.get(slot)
            if hit is not None and hit[0] == version:
                self._derived.move_to_end(slot)
                return hit[1]
            # the version is read before build() runs: if build() itself settles something, the
            # entry is merely rebuilt once more on the next call, never served stale
            value = build()
            self._derived[slot] = (version, value)
            self._derived.move_to_end(slot)
            while len(self._derived) > DERIVED_CACHE_SIZE:
                self._derived.popitem(last=False)
            return value

    def used(self, region: str) -> int:
        # creating/running/changing/deleting/error all hold quota until the instance is gone
        with self.lock:
            self._settle_due()
            return len(self._regions.get(region, ()))

    def quota_max(self, region: str) -> int:
        return self.quotas.get(region, self.default_quota)

    def quota(self, region: str) -> dict:
        with self.lock:
            return {'name': QUOTA_NAME, 'max': self.quota_max(region), 'used': self.used(region)}

    # ----------------------------------------------------------------- operations
    def create(self, region: str, spec: dict, delay: float) -> dict:
        with self.lock:
            if self.used(region) >= self.quota_max(region):
                raise quota_exceeded()
            now = self.clock()
            charge = spec['charge']
            inst = Instance(
                id=self._new_id(),
                region=region,
                name=spec['name'],
                description=spec['description'],
                instance_class=spec['instance_class'],
                redis_version=spec['redis_version'],
                vpc_id=spec['vpc_id'],
                subnet_id=spec['subnet_id'],
                az_master=spec['az_master'],
                az_slave=spec['az_slave'],
                create_time=now,
                status='creating',
                charge_mode=charge['mode'],
                charge_start=now,
                charge_expire=charge_expiry(now, charge),
                charge_unit=charge['unit'],
                charge_duration=charge['duration'],
                auto_renew=charge['auto_renew'],
                password_hash=hash_password(spec['password']),
                port=spec['port'],
                ipv6_on=spec['ipv6_on'],
                tags=spec['tags'],
                resource_group_id=spec['resource_group_id'],
                db_num=spec['db_num'],
                replica_number=spec['replica_number'],
                shard_number=spec['shard_number'],
                slave_appendonly=spec['slave_appendonly'],
                maxmemory_policy=spec['maxmemory_policy'],
                cpu_arch=spec['cpu_arch'],
                extension=spec['extension'],
                cloned_from=(
                    dict(baseId=spec['backup_id'], srcInstanceId=spec['src_instance_id'])
                    if spec.get('backup_id')
                    else None
                ),
            )
            self._add(inst)
            self._schedule(inst, now + delay, 'create')
            self.save()
            return dict(cacheInstanceId=inst.id, **self._order())

    def modify_attribute(self, region: str, instance_id: str, changes: dict) -> None:
        with self.lock:
            inst = self.get(region, instance_id)
            if inst.status in ('creating', 'deleting'):
                raise failed_precondition(
                    "cacheInstance '%s' is %s; its name and description cannot be changed now" % (inst.id, inst.status)
                )
            inst.name = changes.get('name', inst.name)
            inst.description = changes.get('description', inst.description)
            self._changed(region)
            self.save()

    def reset_password(self, region: str, instance_id: str, password: str) -> None:
        with self.lock:
            inst = self.get(region, instance_id)
            if inst.status in ('creating', 'deleting'):
                raise failed_precondition(
                    "cacheInstance '%s' is %s; its password cannot be changed now" % (inst.id, inst.status)
                )
            inst.password_hash = hash_password(password)
            self._changed(region)  # a listing shows whether a password is set ('auth')
            self.save()

    def resize(self, region: str, instance_id: str, request: dict, delay: float) -> dict:
        with self.lock:
            inst = self.get(region, instance_id)
            self.apply_resize(inst, self.check_resize(inst, request), self.clock(), delay)
            self.save()
            return self._order()

    def check_resize(self, inst: Instance, request: dict) -> tuple:
        """``(class code, shard number or None, replica number or None)`` of a valid resize of ``inst``."""
        with self.lock:
            region = inst.region
            if inst.status != 'running':
                # also what makes "one resize at a time" hold: a resizing instance is 'changing'
                raise failed_precondition(
                    "cacheInstance '%s' is %s; the class can only be changed while running" % (inst.id, inst.status)
                )
            current = inst.cls
            zone = catalogue.REGIONS[region]
            target = zone.find_class(inst.redis_version, request['class'])
            if target is None:
                raise invalid_argument(
                    "cacheInstanceClass '%s' is not available in %s for redisVersion %s"
                    % (request['class'], region, inst.redis_version)
                )
            shards = shard_count(target, request['shard_number'], 'shardNumber', inst.shards)
            replicas = request['replica_number']
            if replicas is not None:
                replica_count(zone, target, replicas, 'replicaNumber')
            if target.code == current.code and shards == inst.shards and replicas in (None, inst.replica_number):
                raise failed_precondition(
                    "cacheInstance '%s' already has class %s with %d shards and %d replicas"
                    % (inst.id, target.code, shards, inst.replica_number)
                )
            if current.instance_type != target.instance_type and current.instance_type != 'master-slave':
                raise failed_precondition(
                    'a %s instance cannot be changed to the %s class %s'
                    % (current.instance_type, target.instance_type, target.code)
                )
            if inst.charge_mode == 'prepaid_by_duration' and target.total_memory_mb(shards) < inst.memory_mb:
                raise failed_precondition('prepaid instances can only be changed to a class with more memory')
            return target.code, shards if target.custom_shards else None, replicas

    def apply_resize(self, inst: Instance, checked: tuple, start: float, delay: float) -> None:
        """Start a resize checked by ``check_resize``, begun at ``start`` (a window's start, for a scheduled one)."""
        inst.status = 'changing'
        inst.pending_class, inst.pending_shard_number, inst.pending_replica_number = checked
        self._schedule(inst, start + delay, 'resize')

    def order(self) -> dict:
        return self._order()

    def delete(self, region: str, instance_id: str, delay: float, retention: float = 0.0) -> None:
        with self.lock:
            inst = self.check_delete(region, instance_id)
            now = self.clock()
            inst.status_before_delete = inst.status
            inst.status = 'deleting'
            inst.pending_class = None
            inst.recycle_retention = retention
            self._schedule(inst, now + delay, 'delete')
            self._settle(inst, now)
            self.save()

    def check_delete(self, region: str, instance_id: str) -> Instance:
        """The instance, when the rules allow deleting it now (FAILED_PRECONDITION saying why otherwise)."""
        with self.lock:
            inst = self.get(region, instance_id)
            if inst.status not in ('running', 'error'):
                raise failed_precondition(
                    "cacheInstance '%s' is %s; only running or error instances can be deleted" % (inst.id, inst.status)
                )
            now = self.clock()
            if (
                inst.charge_mode == 'prepaid_by_duration'
                and inst.charge_expire is not None
                and now < inst.charge_expire
            ):
                raise failed_precondition(
                    "cacheInstance '%s' is prepaid and cannot be deleted before it expires at %s"
                    % (inst.id, iso(inst.charge_expire))
                )
            return inst

    # ----------------------------------------------------------------- admin
    def seed(self, count: int, region: str, name_prefix: str, oldest: bool = False, newest: bool = False) -> list:
        """``count`` running instances, created in the seconds before now (``oldest``: before every
        instance of the region; ``newest``: after every one, even if that is later than now)."""
        with self.lock:
            now = self.clock()
            if oldest and self._regions.get(region):
                now = min(i.create_time for i in self._regions[region].values())
            if newest and self._regions.get(region):
                now = max(now, max(i.create_time for i in self._regions[region].values()) + 1 + count)
            classes = catalogue.REGIONS[region].classes('4.0')
            ids = []
            for index in range(count):
                self.seed_counter += 1
                created = int(now) - (count - index)  # distinct createTime values, oldest first
                cls = classes[self.seed_counter % len(classes)]
                inst = Instance(
                    id=self._new_id(),
                    region=region,
                    name='%s_%05d' % (name_prefix, self.seed_counter),
                    description='seeded',
                    instance_class=cls.code,
                    redis_version='4.0',
                    vpc_id='vpc-emuseed0001',
                    subnet_id='subnet-emuseed0001',
                    az_master=catalogue.REGIONS[region].azs[0],
                    az_slave=catalogue.REGIONS[region].azs[-1],
                    create_time=created,
                    status='running',
                    charge_mode='postpaid_by_duration',
                    charge_start=created,
                )
                self._add(inst)
                ids.append(inst.id)
            self.save()
            return ids

    def admin_rename(self, instance_id: str, name_a: str, name_b: str) -> None:
        """Toggle the name of an instance between two names (churn between pages)."""
        with self.lock:
            inst = self._any_region(instance_id)
            inst.name = name_b if inst.name == name_a else name_a
            self._changed(inst.region)
            self.save()

    def admin_remove(self, instance_id: str) -> None:
        """Remove an instance at once, without a deleting phase (churn between pages)."""
        with self.lock:
            inst = self.instances.get(instance_id)
            if inst is not None:
                self._remove(inst)
                self.save()

    def set_quota(self, region: str, maximum: int) -> None:
        with self.lock:
            self.quotas[region] = maximum
            self.save()

    def _any_region(self, instance_id: str) -> Instance:
        self._settle_due()
        inst = self.instances.get(instance_id)
        if inst is None:
            raise instance_not_found(instance_id)
        return inst

    def get_any(self, instance_id: str) -> Instance:
        with self.lock:
            return self._any_region(instance_id)

    def force_status(self, instance_id: str, status: str) -> None:
        with self.lock:
            inst = self._any_region(instance_id)
            inst.status = status
            inst.transition_at = None  # a forced status stays until changed again (its heap entry goes stale)
            inst.held = ''
            inst.pending_class = None
            self._changed(inst.region)
            self.save()

    def force_status_named(self, name: str, status: str) -> list:
        """force_status() of every instance named exactly ``name``, in any region; their ids."""
        with self.lock:
            self._settle_due()
            ids = sorted(i.id for i in self.instances.values() if i.name == name)
            for instance_id in ids:
                self.force_status(instance_id, status)
            return ids

    def expire(self, instance_id: str) -> None:
        with self.lock:
            inst = self._any_region(instance_id)
            inst.charge_expire = self.clock() - 1
            inst.charge_status = 'overdue'
            self._changed(inst.region)
            self.save()

    def hold(self, kinds) -> None:
        """From now on, transitions of these kinds wait for release() (those already pending keep their time)."""
        with self.lock:
            self.holding = set(kinds)

    def held(self) -> list:
        """``[{id, region, transition, status, baseId?}]`` of the held transitions."""
        with self.lock:
            self._settle_due()
            out = []
            for inst in self.instances.values():
                if inst.held:
                    out.append({'id': inst.id, 'region': inst.region, 'transition': inst.held, 'status': inst.status})
                for backup in inst.backups:
                    if backup.get('held'):
                        out.append(
                            {
                                'id': inst.id,
                                'region': inst.region,
                                'transition': 'backup',
                                'status': inst.status,
                                'baseId': backup['id'],
                            }
                        )
            return out

    def release(self, kinds=None, ids=None) -> list:
        """Complete now the held transitions of these kinds (None: all) of these instances (None: all);
        returns what was released, as held() describes it."""
        with self.lock:
            released = [
                h
                for h in self.held()
                if (kinds is None or h['transition'] in kinds) and (ids is None or h['id'] in ids)
            ]
            now = self.clock()
            for entry in released:
                inst = self.instances[entry['id']]
                if entry['transition'] == 'backup':
                    backup = next(b for b in inst.backups if b['id'] == entry['baseId'])
                    backup['held'], backup['done_at'] = False, now
                    self.backups.settle(inst)
                else:
                    inst.held = ''
                    inst.transition_at = now
                    heapq.heappush(self._due, (now, inst.id))
                    self._settle(inst, now)
            if released:
                self.save()
            return released

    def check_password(self, instance_id: str, password: str) -> bool:
        with self.lock:
            return password_matches(self._any_region(instance_id).password_hash, password)

    def count(self) -> int:
        with self.lock:
            self._settle_due()
            return len(self.instances)

    def reset(self) -> None:
        with self.lock:
            for region in self._regions:
                self._changed(region, reorders=True)
            self.instances.clear()
            self.recycled.clear()
            self._regions.clear()
            self._due.clear()
            self._derived.clear()  # not needed for correctness (the versions moved): frees the memory now
            self.quotas.clear()
            self.seed_counter = 0
            self.save()
