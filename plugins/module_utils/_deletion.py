# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Deleting an instance safely (``state: absent`` of jcs_redis_instance and of the fleet's entries): a final
backup taken and waited for before the delete, the API's ``checkDeletable`` asked first, the delete into the
recycle bin, and with ``force_delete`` the destruction from the bin (docs/dev/api-notes.md#recycle-bin).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

``plan`` is pure: from the instance found (live, or only in the recycle bin), the backups of the instance named
like ``final_backup`` and the options, the steps of the run. ``Deletion`` makes them with the reads, writes and
waits of the module (or fleet entry) that runs it.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import TRANSITIONAL, Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import name_problem as backup_name_problem
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import vanished
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown

# The options of a safe delete, the same in jcs_redis_instance and in each entry of jcs_redis_fleet.
DELETION_ARGUMENT_SPEC = dict(
    final_backup=dict(type='str'),
    force_delete=dict(type='bool', default=False),
)

# Where a deleted instance ends up (the ``deletion`` of the result).
RECYCLE_BIN = 'recycle_bin'
DESTROYED = 'destroyed'

# The steps of a plan, made in this order.
CHECK = 'check_deletable'  # checkDeletable: the API's refusal ends the run before anything is written
BACKUP = 'take_backup'  # createBackup named final_backup
WAIT_BACKUP = 'wait_backup'  # the final backup succeeds (or the run fails, nothing deleted)
DELETE = 'delete'  # deleteCacheInstance: into the recycle bin
WAIT_BINNED = 'wait_binned'  # the instance has left the live instances (deleting is over)
DESTROY = 'destroy'  # deleteRecycledCacheInstance
WAIT_GONE = 'wait_gone'  # wait: true without force_delete


def validate(params):
    """Problems with the deletion options that need no call, each naming the option and the rule."""
    problems = []
    absent = params.get('state', 'present') == 'absent'
    final_backup = params.get('final_backup')
    if final_backup is not None:
        if not absent:
            problems.append('final_backup only applies with state: absent')
        problem = backup_name_problem(final_backup)
        if problem:
            problems.append(f'final_backup {problem}, got {shown(final_backup)}')
    if params.get('force_delete') and not absent:
        problems.append('force_delete only applies with state: absent')
    return problems


class Plan:
    """The steps of one ``state: absent`` run: ``steps`` as ``(step, value)``, ``changes`` (the names the run
    reports), ``deletion`` (where the instance ends up, None when the run leaves it be), ``backup`` (the final
    backup found, or None when one is to be taken or none is asked for), ``instance`` (the instance acted on)."""

    def __init__(self, instance, steps=(), changes=(), deletion=None, backup=None):
        self.instance = instance
        self.steps = list(steps)
        self.changes = list(changes)
        self.deletion = deletion
        self.backup = backup

    def __repr__(self):
        return f'Plan({self.steps!r}, changes={self.changes!r}, deletion={self.deletion!r})'


def final_backup_of(backups, name):
    """``(step, backup)`` for the final backup among ``backups`` (newest first): a successful one named ``name``
    is used as it is, a running one is waited for, and otherwise (none, or failed ones only) one is taken."""
    named = [b for b in backups if b.get('name') == name]
    for status, step in (('success', None), ('running', WAIT_BACKUP)):
        found = [b for b in named if b.get('status') == status]
        if found:
            return step, found[0]
    return BACKUP, None


def plan(current, params, backups=(), binned=()):
    """The steps of ``state: absent`` for ``current`` (the live instance found, or None), given the backups of
    ``current`` (newest first; read only when ``final_backup`` is set) and the instances of the recycle bin with
    its id or name (read only when nothing live is found and ``force_delete`` is set). Refuses (AMBIGUOUS_NAME)
    to destroy one of several binned instances that share the name."""
    force, name = params.get('force_delete'), params.get('final_backup')
    wait = params.get('wait', True)
    if current is None:
        if len(binned) > 1:
            candidates = [dict(id=b['id'], soft_deleted_time=b.get('soft_deleted_time')) for b in binned]
            raise Refusal(
                '{} instances named {!r} are in the recycle bin; set instance_id to choose the one to destroy: '
                '{}'.format(
                    len(binned),
                    params.get('name'),
                    ', '.join('{id} (deleted {soft_deleted_time})'.format(**c) for c in candidates),
                ),
                status='AMBIGUOUS_NAME',
                candidates=candidates,
            )
        if force and binned:
            return Plan(binned[0], [(DESTROY, binned[0]['id'])], ['destroy'], DESTROYED)
        return Plan(None)
    instance_id = current['id']
    if current.get('status') == 'deleting':
        # deleted already (by an earlier run without wait, or by someone else): the final backup was that
        # run's to take, and only the destruction is left
        if force:
            return Plan(current, [(WAIT_BINNED, instance_id), (DESTROY, instance_id)], ['destroy'], DESTROYED)
        return Plan(current, [(WAIT_GONE, instance_id)] if wait else [])
    steps, changes, backup = [], [], None
    if name is not None:
        step, backup = final_backup_of(backups, name)
        if step == BACKUP:
            # the API's refusal before a backup that would be taken for nothing
            steps += [(CHECK, instance_id), (BACKUP, name), (WAIT_BACKUP, None)]
            changes.append('final_backup')
        elif step == WAIT_BACKUP:
            steps.append((WAIT_BACKUP, backup['id']))
    steps += [(CHECK, instance_id), (DELETE, instance_id)]
    changes.append('delete')
    if force:
        steps += [(WAIT_BINNED, instance_id), (DESTROY, instance_id)]
        changes.append('destroy')
    elif wait:
        steps.append((WAIT_GONE, instance_id))
    return Plan(current, steps, changes, DESTROYED if force else RECYCLE_BIN, backup)


def predicted_backup(name, instance_id):
    """The final backup check mode reports when one would be taken: its name and instance, nothing else known."""
    backup = dict.fromkeys(('id', 'status', 'start_time', 'end_time', 'size_bytes', 'shard_memory_mb', 'shard_count'))
    backup.update(name=name, instance_id=instance_id, type='manual')
    return backup


def diff_after(deletion, changes, final_backup=None):
    """What the diff shows after a delete: where the instance goes, and the name of the final backup (not for the
    destruction of an instance that was in the recycle bin already)."""
    if not changes:
        return {}
    after = dict(deletion=deletion)
    if final_backup is not None and changes != ['destroy']:
        after['final_backup'] = final_backup
    return after


class Deletion:
    """Makes the steps of a plan, composed with explicit inputs as the instance lifecycle is: ``api`` (the
    ``RedisAPI`` of the region), ``params`` (the options of jcs_redis_instance, or a fleet entry's completed to
    those), ``check_mode``, and ``face``, what fails (``fail``, ``fail_from``), waits (``wait_for``) and makes and
    records the writes (``write``, ``applied``): the run's ``JCSModule``. In check mode only the reads and
    ``checkDeletable`` (which changes nothing) are made."""

    def __init__(self, api, params, check_mode, face):
        self.api = api
        self.params = params
        self.check_mode = check_mode
        self.face = face
        self.backup = None  # the final backup, as last seen
        self.seen = set()  # the ids of the backups named final_backup when the plan was made

    def plan(self, current):
        """The plan for ``current`` (the live instance found, or None), with the reads it needs."""
        params = self.params
        backups, binned = (), ()
        if current is None and params.get('force_delete'):
            binned = self.api.find_recycled(params.get('instance_id'), params.get('name'))
        elif current is not None and current['status'] != 'deleting' and params.get('final_backup') is not None:
            backups = self.named_backups(current['id'])
            self.seen = {b['id'] for b in backups}
        return plan(current, params, backups, binned)

    def absent(self, current):
        """``state: absent`` for ``current`` (the live instance found, settled, or None): ``(instance acted on or
        None, changes, result keys)``; the result keys are ``final_backup`` (the backup found, taken or to be
        taken) and ``deletion`` (where the instance goes, when the run deletes or destroys it)."""
        found = self.plan(current)
        changes = self.run(found)
        extras = {}
        if self.backup is not None:
            extras['final_backup'] = self.backup
        if changes:
            extras['deletion'] = found.deletion
        return found.instance, changes, extras

    def named_backups(self, instance_id):
        name = self.params['final_backup']
        return [b for b in self.api.backups(instance_id) if b['name'] == name]

    def run(self, plan_):
        """Make the steps (the reads only, in check mode); the changes of the run: those of the plan in check
        mode, otherwise those whose write went through (a delete or destruction someone else made first is not
        the run's)."""
        name = self.params.get('final_backup')
        if plan_.backup is not None:
            self.backup = plan_.backup
        elif 'final_backup' in plan_.changes:
            self.backup = predicted_backup(name, plan_.instance['id'])
        # asked, and nothing made since: the API's answer still stands. In check mode a busy instance is not asked
        # about: the API refuses it while busy, and the real run waits for it before it asks.
        checked = self.check_mode and (plan_.instance or {}).get('status') in TRANSITIONAL
        for step, value in plan_.steps:
            if (self.check_mode and step != CHECK) or (step == CHECK and checked):
                continue
            checked = step == CHECK
            getattr(self, '_' + step)(plan_.instance, value)
        if self.check_mode:
            return list(plan_.changes)
        return [change for change in plan_.changes if change in self.face.applied]

    # -- the steps ---------------------------------------------------------------------------

    def _check_deletable(self, instance, instance_id):
        try:
            self.api.check_deletable(instance_id)
        except JDCloudAPIError as exc:
            if exc.code >= 500:
                raise
            taken = ' (the final backup {} was taken and is kept)'.format(self.backup['id']) if self._taken() else ''
            self.face.fail_from(
                exc,
                f'Instance {instance_id} cannot be deleted now: checkDeletable refused it, and nothing was '
                f'deleted{taken}',
                instance=instance,
                **self._backup_result(),
            )

    def _taken(self):
        return self.backup is not None and self.backup.get('id') and 'final_backup' in self.face.applied

    def _backup_result(self):
        return dict(final_backup=self.backup) if self.backup is not None else {}

    def _take_backup(self, instance, name):
        instance_id = instance['id']

        def created():
            """The backup a lost answer made, if it made one: a new one with the name."""
            return next((b for b in self.named_backups(instance_id) if b['id'] not in self.seen), None)

        try:
            backup_id, evidence = self.face.write(
                lambda: self.api.create_backup(instance_id, name), created, ['final_backup']
            )
        except JDCloudAPIError as exc:
            self.face.fail_from(
                exc,
                f'Could not take the final backup {name!r} of instance {instance_id}; nothing was deleted',
                instance=instance,
            )
        self.backup = (
            evidence
            or self.api.backup(instance_id, backup_id)
            or dict(predicted_backup(name, instance_id), id=backup_id, status='running')
        )

    def _wait_backup(self, instance, backup_id):
        instance_id = instance['id']
        backup_id = backup_id or self.backup['id']
        face = self.face

        def done(current):
            if current is None:
                face.fail(
                    vanished(backup_id, instance_id, 'The final backup') + '; nothing was deleted',
                    status='NOT_FOUND',
                    instance=instance,
                    **self._backup_result(),
                )
            self.backup = current
            if current['status'] == 'failed':
                message = (
                    f'The final backup {backup_id} ({current["name"]!r}) of instance {instance_id} failed; nothing '
                    'was deleted. A re-run takes another one'
                )
                face.fail(message, error=local_error('BACKUP_FAILED', message), instance=instance, final_backup=current)
            return current['status'] == 'success'

        if self.backup is not None and self.backup.get('id') == backup_id and done(self.backup):
            return
        face.wait_for(
            lambda: self.api.backup(instance_id, backup_id),
            done,
            self.params['wait_timeout'],
            f'the final backup {backup_id} of instance {instance_id} to succeed (nothing was deleted)',
            key='final_backup',
        )

    def _delete(self, instance, instance_id):
        def applied():
            current = self.api.describe(instance_id)
            if current is None:
                return {}
            return current if current['status'] == 'deleting' else None

        try:
            self.face.write(lambda: self.api.delete(instance_id), applied, ['delete'])
        except JDCloudAPIError as exc:
            if exc.code == 404:
                return  # deleted by someone else since it was read: gone is what was asked
            if exc.status == 'FAILED_PRECONDITION':
                self.face.fail_from(
                    exc, f'Instance {instance_id} cannot be deleted now', instance=instance, **self._backup_result()
                )
            raise

    def _wait_binned(self, instance, instance_id):
        # the bin takes an instance once its delete is over; force_delete waits for that even with wait: false
        self.face.wait_for(
            lambda: self.api.describe(instance_id),
            lambda current: current is None,
            self.params['wait_timeout'],
            f'instance {instance_id} to be deleted into the recycle bin',
        )

    def _destroy(self, instance, instance_id):
        def applied():
            return None if self.api.find_recycled(instance_id=instance_id) else {}

        try:
            self.face.write(lambda: self.api.destroy_recycled(instance_id), applied, ['destroy'])
        except JDCloudAPIError as exc:
            if exc.code == 404:
                # destroyed already: by the bin itself (a retention of 0, or its time was up) or by someone else
                return
            self.face.fail_from(
                exc,
                f'Instance {instance_id} could not be destroyed from the recycle bin',
                instance=instance,
                **self._backup_result(),
            )

    def _wait_gone(self, instance, instance_id):
        self.face.wait_for(
            lambda: self.api.describe(instance_id),
            lambda current: current is None,
            self.params['wait_timeout'],
            f'instance {instance_id} to be deleted',
        )
