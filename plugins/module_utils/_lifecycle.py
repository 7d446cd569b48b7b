# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lifecycle of one instance: the reads, writes and waits of jcs_redis_instance and of each entry of
jcs_redis_fleet, as a class composed by both modules. What it decides is planned by the pure functions of
``_instance``; what it calls is ``RedisAPI``.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import API_DEFAULT_VERSION, TRANSITIONAL, Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._deletion import Deletion
from ansible_collections.jdcloud.cloud.plugins.module_utils._instance import (
    TAGS,
    attribute_changes,
    billing_order,
    class_changes,
    class_shape,
    create_problems,
    create_request,
    immutable_differences,
    predicted_new,
    prepaid_unexpired,
    resize_problem,
    resize_text,
    resized,
    unknown_name_text,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._lock import HostLock
from ansible_collections.jdcloud.cloud.plugins.module_utils._maintenance import MaintenanceWindow
from ansible_collections.jdcloud.cloud.plugins.module_utils._recovery import (
    bin_hint,
    bin_step,
    bin_warning,
    in_bin,
    plan_clone,
    recover_step,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import normalize_version
from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import Scheduler
from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import declared as schedule_declared
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import wait_instance
from ansible_collections.jdcloud.cloud.plugins.module_utils._shards import (
    class_layout,
    replica_problem,
    shard_problem,
    target_shards,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import failures, tag_plan

MAINTENANCE_WINDOW = MaintenanceWindow()


class Outcome:
    """What a run of the lifecycle did to the instance: ``before`` and ``after`` (result shape, None for none),
    ``changes`` (the names of what changed, in order) and ``order`` (``order_num``/``buy_id`` of a billing
    order placed)."""

    def __init__(self, before, after, changes, order, result=None, diff=None):
        self.before = before
        self.after = after
        self.changes = changes
        self.order = order
        # what the run adds to the result: ``final_backup`` and ``deletion`` (state: absent), ``scheduled`` and
        # ``cancelled_tasks`` (a resize or an upgrade declared)
        self.result = dict(result or {})
        # what it adds to the diff, ``(before, after)``: the planned tasks
        self.diff = diff or ({}, {})


class InstanceLifecycle:
    """The reads, writes and waits that bring one instance to its declared state (jcs_redis_instance, an entry
    of jcs_redis_fleet). One object per run, made with everything it uses:

    - ``api``: the ``RedisAPI`` of the region;
    - ``params``: the options of jcs_redis_instance (a fleet entry's, completed to those);
    - ``check_mode``;
    - ``face``: what fails (``fail``, ``fail_from``), warns (``warn``), waits (``wait_for``) and makes and records
      the writes (``write``, ``applied``): the run's ``JCSModule``;
    - ``lookup()``: ``(instance or None, ids of the instances with the name being deleted)``;
    - ``settings``: the hooks of the settings declared beside the instance, called before the instance's own
      writes: ``check_new_settings()`` before a create, ``check_settings_before(instance)`` before an update.

    ``present()`` and ``absent()`` return an ``Outcome``; each step of them is a method of its own.
    """

    def __init__(self, api, params, check_mode, face, lookup, settings):
        self.api = api
        self.params = params
        self.check_mode = check_mode
        self.face = face
        self.lookup = lookup
        self.settings = settings
        self.deleting = ()  # the ids of the instances with the name that are being deleted (find, named)
        self.changes = []
        self.order = {}
        self.extra = {}
        self.scheduled_before = []  # the planned tasks of the resize and upgrade options, as read

    def outcome(self, before, after):
        diff = ({}, {})
        if 'scheduled' in self.extra:
            diff = (dict(scheduled=self.scheduled_before), dict(scheduled=self.extra['scheduled']))
        return Outcome(before, after, list(self.changes), dict(self.order), dict(self.extra), diff)

    # -- reading -------------------------------------------------------------------

    @property
    def region_id(self):
        return self.api.region

    def find(self):
        instance, self.deleting = self.lookup()
        return instance

    def named(self, name=None):
        """The instances named exactly ``name``; those being deleted are kept apart in ``self.deleting``."""
        matches, self.deleting = self.api.instances_named(name or self.params['name'])
        return matches

    def wait_until(self, instance_id, done, what):
        """Wait until ``done(instance)``; the instance vanishing, failing or being deleted ends the wait."""
        return wait_instance(
            self.face, self.api, instance_id, done, what, self.params['wait_timeout'], stop=('error', 'deleting')
        )

    def wait_gone(self, instance_id):
        return self.face.wait_for(
            lambda: self.api.describe(instance_id),
            lambda instance: instance is None,
            self.params['wait_timeout'],
            f'instance {instance_id} to be deleted',
        )

    def settle(self, current, statuses=('running',)):
        """Wait (at most wait_timeout, whatever ``wait`` says) for a busy instance before comparing:
        a transition that an earlier run did not wait for must end before anything is decided."""
        if current['status'] not in TRANSITIONAL:
            return current
        return self.wait_until(current['id'], lambda i: i['status'] in statuses, 'to become ' + ' or '.join(statuses))

    def name_lock(self):
        params = self.params
        return HostLock(
            '\n'.join((self.api.client.endpoint, self.region_id, params['name'])),
            params['wait_timeout'],
            self.face.warn,
            'parallel creates of one name',
        )

    # -- state: present --------------------------------------------------------------

    def present(self):
        """Create the instance (under the name lock of this machine when found by name) or bring it where the
        options say: the steps ``find``, then ``create``, or the recovery from the recycle bin (``_recovery``), or
        ``update``."""
        params = self.params
        lock = None
        if not params['instance_id'] and not self.check_mode:
            lock = self.name_lock()
            if not lock.acquire():
                self.face.fail(
                    'Another run on this host has been creating an instance named {!r} for more than {} seconds '
                    '(lock file {})'.format(params['name'], params['wait_timeout'], lock.path),
                    status='ABORTED',
                )
        before = None  # the instance as it was when that is not ``current``: in the recycle bin
        try:
            current = self.find()
            if current is None:
                binned = bin_step(self)  # the instance of the recycle bin to recover instead, with recover
                if binned is None and params['instance_id']:
                    self.face.fail(
                        'Instance {} does not exist; omit instance_id to create an instance'.format(
                            params['instance_id']
                        ),
                        status='NOT_FOUND',
                    )
                if binned is None:
                    return self.outcome(None, self.create(lock))
                current = recover_step(self, binned, immutable_differences)
                before = in_bin(binned)
                if self.check_mode:
                    # still in the bin: no setting of it can be read, so they are checked as for a create
                    self.settings.check_new_settings()
                    return self.outcome(before, self.update(current))
        finally:
            if lock is not None:
                lock.release()
        if current['status'] == 'deleting':
            self.face.fail(
                'Instance {} is being deleted'.format(current['id']), status='FAILED_PRECONDITION', instance=current
            )
        differences = immutable_differences(params, current)
        if differences:
            self.face.fail(
                'These options cannot be changed on the existing instance {}: {}. The module never deletes and '
                'recreates an instance; do it explicitly if that is intended'.format(
                    current['id'], '; '.join(differences)
                ),
                status='FAILED_PRECONDITION',
                instance=current,
            )
        if current['status'] in TRANSITIONAL and not self.check_mode and (params['wait'] or self.wanted(current)):
            current = self.settle(current)
        if current['status'] == 'error':
            self.face.warn(
                'Instance {} is in status error: JD Cloud could not complete an operation on it, and it may not '
                'serve clients. Check it in the JD Cloud console or with support; if it cannot be repaired, delete '
                'it (state: absent) and create it again'.format(current['id'])
            )
        if self.wanted(current):
            # the settings' API checks (account passwords, commands to disable) before the instance's own writes
            self.settings.check_settings_before(current)
        return self.outcome(before or current, self.update(current))

    def wanted(self, current):
        """Whether the options ask for any change of ``current``."""
        params = self.params
        return bool(
            attribute_changes(params, current)
            or class_changes(params, current)
            or (params['password'] is not None and params['update_password'] == 'always')
            or (params['tags'] is not None and any(tag_plan(current['tags'], params['tags'], params['purge_tags'])[:2]))
        )

    def create(self, lock):
        params = self.params
        problems = create_problems(params)
        if problems:
            if self.deleting:
                problems.insert(
                    0,
                    'no instance named {!r} exists except {}, which is being deleted, so a new one would be '
                    'created'.format(params['name'], ', '.join(self.deleting)),
                )
            elif params['name']:
                # One more listing, on the way to failing only: the name filter is a substring match,
                # so the lookup's own listing never holds a mistyped name's neighbours.
                listed, dummy = self.api.list_instances(merge=False)
                names = [i['name'] for i in listed if i['status'] != 'deleting']
                problems[0] = unknown_name_text(params['name'], self.region_id, names) + problems[0]
            problems[0] = bin_hint(self) + problems[0]
            self.face.fail('; '.join(problems), status='INVALID_ARGUMENT')
        instance_class = {}
        if params['preflight']:
            entry, layout = self.class_facts(
                params['instance_class'],
                normalize_version(params['redis_version']),
                params['shard_number'] is not None or params['replica_number'] is not None,
            )
            instance_class = entry
            if layout is not None:
                self.check_layout(layout, params['shard_number'])
                instance_class = layout.entry(
                    params['shard_number'] if params['shard_number'] is not None else next(iter(layout.shards))
                )
            self.check_quota('no instance can be created')
        clone = {}
        if params['source_backup']:
            # the source instance and its backup, and whether the backup fits, before the create and in check mode
            clone, self.extra['source_backup'], warnings = plan_clone(self.api, params, instance_class)
            for warning in warnings:
                self.face.warn(warning)
        # the settings' checks that need no instance (account passwords), before the create and in check mode
        self.settings.check_new_settings()
        warning = bin_warning(self)
        if warning:
            self.face.warn(warning)
        self.changes.append('create')
        if self.check_mode:
            return predicted_new(params, self.region_id, instance_class)
        spec, charge = create_request(params)
        spec.update(clone)
        result, adopted = self.face.write(lambda: self.api.create(spec, charge), self.adopt_created, ['create'])
        if lock is not None:
            lock.release()
        if adopted is not None:
            instance_id = adopted['id']
        else:
            instance_id = result['cacheInstanceId']
            self.order = billing_order(result)
        self.warn_shared_name(instance_id)
        if params['wait']:
            return self.wait_until(instance_id, lambda i: i['status'] == 'running', 'to become running')
        return self.api.describe(instance_id)

    def check_quota(self, consequence):
        """Fail before any write, in check mode too, when the region's quota has no room for one more instance
        (a create, or a recovery: an instance out of the recycle bin counts again), rather than leave it to the
        API's 429; ``consequence`` ends the message."""
        quota = self.api.quota()
        if quota is not None and quota['used'] >= quota['max']:
            self.face.fail(
                'The Redis quota of region {} is used up ({} of {} instances); {}'.format(
                    self.region_id, quota.get('used'), quota.get('max'), consequence
                ),
                error=local_error('QUOTA_EXCEEDED', 'quota used up'),
            )

    def warn_shared_name(self, instance_id):
        """After a create: say so when another instance has the name (made from another machine, or by
        something that does not take the lock of this one)."""
        found, dummy = self.api.find_by_name(self.params['name'])
        others = [m['id'] for m in found if m['id'] != instance_id and m['status'] != 'deleting']
        if others:
            self.face.warn(
                'Instance {} was created, but {} also named {!r}: {}. The name no longer identifies one instance; '
                'set instance_id, or delete or rename the extra ones'.format(
                    instance_id,
                    'another instance is' if len(others) == 1 else f'{len(others)} other instances are',
                    self.params['name'],
                    ', '.join(others),
                )
            )

    def adopt_created(self):
        """After a create whose outcome is unknown: the instance, if it exists."""
        matches = self.named()
        if len(matches) > 1:
            message = 'The outcome of the create was unknown and {} instances named {!r} now exist: {}'.format(
                len(matches), self.params['name'], ', '.join(m['id'] for m in matches)
            )
            self.face.fail(message, error=local_error('AMBIGUOUS_NAME', message))
        return matches[0] if matches else None

    def class_facts(self, instance_class, redis_version, need_layout, resize=False):
        """``(describeInstanceClass entry, None)`` or ``(None, Layout)`` of a class the region sells; fails
        for one it does not. The layout (describeAvailableResource) is read when shard or replica counts are
        asked for, or for a class describeInstanceClass does not list (custom-shard classes are not there)."""
        classes = None
        if not need_layout:
            classes = self.api.offered_classes(redis_version)
            for entry in classes:
                if entry.get('instanceClass') == instance_class:
                    return entry, None
        layout = class_layout(self.api.available_resources(), redis_version or API_DEFAULT_VERSION, instance_class)
        if layout is None:
            if classes is None:
                classes = self.api.offered_classes(redis_version)
            raise self.api.class_not_sold(instance_class, redis_version, classes, resize=resize)
        return None, layout

    def check_layout(self, layout, shard_number, current=None):
        """Fail, before any write, for shard or replica counts the API does not sell for the class."""
        problems = [
            p
            for p in (
                shard_problem(layout, shard_number, self.region_id),
                replica_problem(layout, self.params['replica_number'], self.region_id),
            )
            if p
        ]
        if problems:
            kwargs = dict(instance=current) if current is not None else {}
            self.face.fail('; '.join(problems), status='INVALID_ARGUMENT', **kwargs)

    def check_rename(self, current, name):
        """Refuse a rename to a name another instance has, unless allowed: afterwards neither could be
        managed by name."""
        if self.params['allow_duplicate_name']:
            return
        others = [m['id'] for m in self.named(name) if m['id'] != current['id']]
        if others:
            self.face.fail(
                'Cannot rename {} to {!r}: {} already named so. Names would no longer identify one instance; '
                'set allow_duplicate_name: true if that is intended'.format(
                    current['id'], name, ', '.join(others) + (' is' if len(others) == 1 else ' are')
                ),
                status='ALREADY_EXISTS',
                instance=current,
                others=others,
            )

    def update(self, current):
        params = self.params
        attributes = attribute_changes(params, current)
        resize = class_changes(params, current)
        reset_password = params['password'] is not None and params['update_password'] == 'always'
        if 'name' in attributes:
            self.check_rename(current, attributes['name'])
        after = dict(current)
        after.update(attributes)
        self.changes.extend(sorted(attributes))
        # None as well when the counts asked for are those the instance has (a fixed class's own count, say)
        resize = self.plan_resize(current) if resize else None
        # the planned tasks, the versions offered and the window, read and checked before any write
        scheduler, schedule, window = self.plan_schedule(current, resize)
        if schedule is not None and schedule.writes and not self.wanted(current):
            # an upgrade or a cancel is a write of the instance too: the settings' API checks come before it
            self.settings.check_settings_before(current)
        if schedule is not None:
            if window['write'] is not None:
                self.changes.append('maintenance_window')
            self.changes.extend(schedule.cancel_changes)
            if not schedule.resize_now:
                resize = None  # planned for the window, or already planned: the instance keeps its class
        if resize:
            new_class = resize['entry']
            shards, per_shard = class_shape(new_class)
            after.update(
                instance_class=resize['instance_class'],
                memory_mb=new_class.get('memoryMB'),
                instance_type=new_class.get('instanceType'),
                shard_number=shards,
                memory_mb_per_shard=per_shard,
            )
            if params['replica_number'] is not None:
                after['replica_number'] = params['replica_number']
            self.changes.extend(resize['changes'])
        if reset_password:
            self.face.warn('update_password is always: the password of {} is reset on every run'.format(current['id']))
            self.changes.append('password')
            after['auth_enabled'] = bool(params['password'])
        tag_writes = []
        if params['tags'] is not None:
            try:
                tags = TAGS.plan(current['tags'], dict(tags=params['tags'], purge_tags=params['purge_tags']))
            except Refusal as exc:
                raise Refusal(exc.message, exc.status, instance=current) from None
            after['tags'], tag_writes = tags.after, tags.writes
            self.changes.extend(tags.changes)
        if schedule is not None:
            self.changes.extend(schedule.action_changes)
            shown = dict(minor_version='instance_version', proxy_minor_version='instance_proxy_version')
            for action in schedule.upgrades_now:
                after[shown[action.kind]] = action.request[action.kind]
        if self.check_mode or not self.changes:
            if schedule is not None:
                # no write: what would be cancelled and what is or would be planned
                scheduler.cancel(current, schedule)
                scheduler.apply(current, schedule, window['after'])
                self.extra = scheduler.result()
            return after
        if schedule is not None:
            if window['write'] is not None:
                # the window a change is planned in is written first
                self.face.write(
                    lambda: MAINTENANCE_WINDOW.apply(self.api, current['id'], window['write']),
                    changes=['maintenance_window'],
                )
            scheduler.cancel(current, schedule)
        if attributes:
            self.face.write(lambda: self.api.modify_attribute(current['id'], **attributes), changes=sorted(attributes))
        if reset_password:
            self.face.write(lambda: self.api.reset_password(current['id'], params['password']), changes=['password'])
        for action, tags in tag_writes:  # removals first: the tag limit counts when tags are bound
            self.change_tags(current, action, tags)
        if resize:
            self.resize(current, resize)
        upgraded = False
        if schedule is not None:
            scheduler.apply(dict(current, status='changing') if resize else current, schedule, window['after'])
            self.extra = scheduler.result()
            upgraded = scheduler.upgraded
        if params['wait'] and resize:
            return self.wait_until(
                current['id'],
                lambda i: i['status'] == 'running' and resized(i, resize),
                'to run with ' + resize_text(resize),
            )
        if params['wait'] and upgraded:
            return self.wait_until(current['id'], lambda i: i['status'] == 'running', 'to run after the upgrade')
        return self.api.describe(current['id'])

    def plan_schedule(self, current, resize):
        """``(scheduler, plan, window)`` of the resizes and upgrades (``_schedule.py``), read and checked before any
        write, in check mode too; ``(None, None, None)`` when no resize or version option is set. ``window``:
        ``{after, write}``, the window a new task is planned in and the write that sets it first (None for none)."""
        params = self.params
        if not schedule_declared(params):
            return None, None, None
        scheduler = Scheduler(
            self.api,
            self.face.write,
            lambda instance_id, what: self.wait_until(instance_id, lambda i: i['status'] == 'running', what),
            self.face.warn,
            self.check_mode,
            params,
        )
        window = dict(after=current.get('maintenance_window'), write=None)
        if params.get('maintenance_window') is not None:
            planned = MAINTENANCE_WINDOW.plan(
                current.get('maintenance_window'),
                MAINTENANCE_WINDOW.validate(dict(window=params['maintenance_window'])),
            )
            window['after'] = planned.after
            window['declared'] = planned.writes[0] if planned.writes else None
        request = None
        if resize:
            request = {option: resize[option] for option in ('instance_class', 'shard_number', 'replica_number')}
        declared = {
            option: params[option]
            for option in ('instance_class', 'shard_number', 'replica_number')
            if params[option] is not None
        }
        try:
            schedule = scheduler.prepare(current, request, declared, params.get('maintenance_window') is not None)
        except Refusal as exc:
            raise Refusal(exc.message, exc.status, instance=current) from None
        self.scheduled_before = scheduler.before
        if schedule.needs_window:
            # only a change planned for the window makes this run write the window before the settings' turn (the
            # settings then find it written, or in check mode name it once more: the module keeps one name)
            window['write'] = window.pop('declared', None)
        window.pop('declared', None)
        return scheduler, schedule, window

    def change_tags(self, current, action, tags):
        """Bind (``tag``) or unbind (``untag``) ``tags``; a 200 answer that lists the instance among the
        resources it failed for is a failure."""
        call = self.api.tag if action == 'tag' else self.api.untag
        new = [] if 'tags' in self.face.applied else ['tags']  # an untag before may have changed the tags already
        result, dummy = self.face.write(lambda: call(current['id'], tags), changes=new)
        failed = failures(result)
        if failed:
            if new and not (result.get('data') or {}).get('successCount'):
                self.face.applied.remove('tags')  # nothing was bound or unbound
            what = 'Adding or changing' if action == 'tag' else 'Removing'
            message = '{} the tags {} of instance {} failed: {}'.format(
                what,
                ', '.join(sorted(tags)),
                current['id'],
                '; '.join(f'{resource}: {reason}' for resource, reason in failed),
            )
            self.face.fail(message, error=local_error('TAG_FAILED', message), instance=current, failed_resources=failed)

    def plan_resize(self, current):
        """The resize the options ask for (class, shard and replica counts), checked against what the region
        sells before any write, in check mode too; None when it would change nothing."""
        params = self.params
        new_class = params['instance_class'] or current['instance_class']
        shards = params['shard_number']
        entry = {}
        if params['preflight']:
            entry, layout = self.class_facts(
                new_class,
                normalize_version(current['redis_version']),
                shards is not None or params['replica_number'] is not None,
                resize=True,
            )
            if layout is not None:
                shards = target_shards(layout, shards, current)
                self.check_layout(layout, shards, current)
                entry = layout.entry(shards)
                if not layout.custom:
                    shards = None  # a fixed count is the class's: only custom-shard classes take shardNumber
        problem = resize_problem(current, entry)
        if problem:
            self.face.fail(f'instance_class: {problem}', status='FAILED_PRECONDITION', instance=current)
        changes = []
        if new_class != current['instance_class']:
            changes.append('instance_class')
        if shards is not None and shards != current['shard_number']:
            changes.append('shard_number')
        replicas = params['replica_number']
        if replicas is not None and replicas != current.get('replica_number'):
            changes.append('replica_number')
        if not changes:
            return None
        return dict(
            instance_class=new_class, shard_number=shards, replica_number=replicas, entry=entry, changes=changes
        )

    def resize(self, current, plan):
        if current['status'] != 'running':
            self.face.fail(
                'Instance {} is {}; it can only be resized while running'.format(current['id'], current['status']),
                status='FAILED_PRECONDITION',
                instance=current,
            )

        def applied():
            instance = self.api.describe(current['id'])
            if instance and (instance['status'] == 'changing' or resized(instance, plan)):
                return instance
            return None

        result, dummy = self.face.write(
            lambda: self.api.modify_class(
                current['id'], plan['instance_class'], plan['shard_number'], plan['replica_number']
            ),
            applied,
            plan['changes'],
        )
        if result:
            self.order = billing_order(result)

    # -- state: absent -----------------------------------------------------------------

    def absent(self):
        """The delete (``_deletion``): the final backup, checkDeletable, the recycle bin or the destruction; the
        result's ``final_backup`` and ``deletion`` in ``Outcome.result``."""
        current = self.find()
        if current is not None and current['status'] != 'deleting':
            if prepaid_unexpired(current):
                self.face.fail(
                    'Instance {} is prepaid until {} and cannot be deleted before its term ends'.format(
                        current['id'], current['charge_expired_time']
                    ),
                    status='FAILED_PRECONDITION',
                    instance=current,
                )
            if not self.check_mode:
                # deleting: deleted by someone else meanwhile, which the plan takes as it is
                current = self.settle(current, statuses=('running', 'error', 'deleting'))
        before, changes, result = Deletion(self.api, self.params, self.check_mode, self.face).absent(current)
        self.changes.extend(changes)
        outcome = self.outcome(before, None)
        outcome.result = result
        return outcome
