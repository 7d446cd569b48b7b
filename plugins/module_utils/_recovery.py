# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Getting data back when an instance is created (jcs_redis_instance, fleet entries): the instance of the name in
the recycle bin recovered instead of a new one (``recover``), and a create that clones a backup (``source_backup``,
``backupId`` + ``srcInstanceId`` of createCacheInstance). The options' rules, the decision between recovering and
creating, and the check that a backup can make the new instance are pure; the lookups of the source instance and
its backup read the API and change nothing (docs/dev/api-notes.md#recycle-bin). The steps at the end are those of
``_lifecycle.InstanceLifecycle`` that it calls with itself (its api, params, check mode, face and changes), so that
the lifecycle keeps a few lines of them.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import (
    API_DEFAULT_VERSION,
    Refusal,
    instance_id_problem,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import backup_id_problem
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import name_problem as backup_name_problem
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import name_problem, normalize_version

# The options, the same in jcs_redis_instance and in each entry of jcs_redis_fleet.
RECOVERY_ARGUMENT_SPEC = dict(
    recover=dict(type='bool', default=False),
    source_backup=dict(
        type='dict',
        options=dict(
            instance_id=dict(type='str'),
            instance_name=dict(type='str'),
            backup_id=dict(type='str'),
            backup_name=dict(type='str'),
        ),
    ),
)

# (one of these two, what it names)
_PAIRS = (
    ('instance_id', 'instance_name', 'the instance the backup was taken of'),
    ('backup_id', 'backup_name', 'the backup'),
)
_CHECKS = dict(
    instance_id=instance_id_problem,
    instance_name=lambda value: name_problem(value) and 'instance_name ' + name_problem(value),
    backup_id=lambda value: backup_id_problem(value) and 'backup_id ' + backup_id_problem(value),
    backup_name=lambda value: backup_name_problem(value) and 'backup_name ' + backup_name_problem(value),
)


def source_backup_problems(value):
    """The problems of ``source_backup`` that need no API call, each naming the sub-option and the rule."""
    if value is None:
        return []
    problems = []
    for one, other, what in _PAIRS:
        given = [key for key in (one, other) if value.get(key) is not None]
        if len(given) == 2:
            problems.append(f'source_backup.{one} and source_backup.{other} are mutually exclusive; give one')
        elif not given:
            problems.append(f'source_backup needs {one} or {other} ({what}), and not null')
    for key, check in _CHECKS.items():
        if value.get(key) is not None:
            problem = check(value[key])
            if problem:
                problems.append('source_backup.' + problem)
    return problems


# -- the recycle bin at create -------------------------------------------------------------------


def _binned_text(instance):
    return '{} (deleted {}, recoverable until {})'.format(
        instance['id'], instance.get('soft_deleted_time') or '?', instance.get('retain_expire_time') or '?'
    )


def bin_candidates(binned):
    return [
        dict(
            id=i['id'],
            status=i.get('status'),
            soft_deleted_time=i.get('soft_deleted_time'),
            retain_expire_time=i.get('retain_expire_time'),
        )
        for i in binned
    ]


def bin_plan(binned, name, recover, check_mode=False):
    """What a create of ``name`` does about the instances of that exact name in the recycle bin:
    ``('recover', instance)`` or ``('create', warning or None)``. With ``recover`` and more than one of them the
    choice is the user's: refused with the candidates (recover one by its instance_id)."""
    if not binned:
        return 'create', None
    if recover:
        if len(binned) > 1:
            raise Refusal(
                '{} instances named {!r} are in the recycle bin; set instance_id to the one to recover: {}'.format(
                    len(binned), name, ', '.join(_binned_text(i) for i in binned)
                ),
                status='AMBIGUOUS_NAME',
                candidates=bin_candidates(binned),
            )
        return 'recover', binned[0]
    if len(binned) == 1:
        what = f'Instance {_binned_text(binned[0])} named {name!r} is in the recycle bin'
        how = 'set recover: true'
    else:
        what = 'Instances named {!r} are in the recycle bin: {}'.format(
            name, ', '.join(_binned_text(i) for i in binned)
        )
        how = 'set recover: true and instance_id to the one to recover'
    return 'create', (
        '{}; a new, empty instance {} created instead. To get the deleted instance back with its data, {} '
        '(jdcloud.cloud.jcs_redis_instance)'.format(what, 'would be' if check_mode else 'is', how)
    )


def recovered_candidate(api, params):
    """The instance to recover for a create of ``params`` with ``recover``, by instance_id, or else by name
    through ``bin_plan``; None when there is none in the bin."""
    if params.get('instance_id'):
        return next(iter(api.find_recycled(instance_id=params['instance_id'])), None)
    dummy, found = bin_plan(api.find_recycled(name=params['name']), params['name'], True)
    return found


# -- clones from a backup ------------------------------------------------------------------------


def _ambiguous(what, option, candidates, describe):
    return Refusal(
        'source_backup.{}: {} {} match; set source_backup.{} to choose one: {}'.format(
            option, len(candidates), what, option.replace('name', 'id'), ', '.join(describe(c) for c in candidates)
        ),
        status='AMBIGUOUS_NAME',
        candidates=candidates,
    )


def find_source(api, wanted):
    """``(source instance, in_bin)`` of ``source_backup``: the instance by id, or the one named exactly so, live
    first, then in the recycle bin (whose instances keep their backups while they are there). Refused when there
    is none, or more than one with the name."""
    instance_id = wanted.get('instance_id')
    if instance_id:
        live = api.describe(instance_id)
        if live is not None:
            return live, False
        binned = api.find_recycled(instance_id=instance_id)
        if binned:
            return binned[0], True
        raise Refusal(
            f'source_backup.instance_id: instance {instance_id} does not exist, nor is it in the recycle bin',
            status='NOT_FOUND',
        )
    name = wanted['instance_name']
    live, deleting = api.instances_named(name)
    if not live and deleting:
        live = [i for i in (api.describe(i) for i in deleting) if i is not None]
    if len(live) > 1:
        candidates = [dict(id=i['id'], status=i['status'], create_time=i['create_time']) for i in live]
        raise _ambiguous(
            f'instances named {name!r}', 'instance_name', candidates, lambda c: '{id} ({status})'.format(**c)
        )
    if live:
        return live[0], False
    binned = api.find_recycled(name=name)
    if len(binned) > 1:
        raise _ambiguous(
            f'instances named {name!r} in the recycle bin', 'instance_name', bin_candidates(binned), _binned_text
        )
    if binned:
        return binned[0], True
    raise Refusal(
        f'source_backup.instance_name: no instance named {shown(name)} exists, nor is one in the recycle bin',
        status='NOT_FOUND',
    )


def _backups(api, instance_id):
    """Every backup of the instance, or None when the API does not answer for it (an instance in the bin)."""
    try:
        return api.backups(instance_id)
    except JDCloudAPIError as exc:
        if exc.code != 404:
            raise
        return None


def find_backup(api, source, in_bin, wanted):
    """``(backup or None, warning or None)``: the backup of ``source_backup`` in the result shape. None with a
    warning when the source is in the recycle bin and the API lists no backup of it: its id is then sent as
    given, and the API checks it at the create. Refused when the backup does not exist or its name is ambiguous."""
    backup_id, name = wanted.get('backup_id'), wanted.get('backup_name')
    source_id = source['id']
    if backup_id and not in_bin:
        backup = api.backup(source_id, backup_id)
        if backup is None:
            raise Refusal(
                f'source_backup.backup_id: instance {source_id} has no backup {backup_id}', status='NOT_FOUND'
            )
        return backup, None
    backups = _backups(api, source_id)
    if backups is None:
        if name:
            raise Refusal(
                f'source_backup.backup_name: instance {source_id} is in the recycle bin and the API lists no backup '
                'of it, so a backup cannot be found by name; set source_backup.backup_id (jcs_redis_backup_info '
                'lists the backups of an instance before it is deleted)',
                status='FAILED_PRECONDITION',
            )
        return None, (
            f'The backups of instance {source_id}, which is in the recycle bin, cannot be read: backup {backup_id} '
            'is not checked before the create; the API checks it (that it exists, succeeded and fits) when asked '
            'to create the clone'
        )
    if backup_id:
        found = [b for b in backups if b['id'] == backup_id]
        if not found:
            raise Refusal(
                f'source_backup.backup_id: instance {source_id} has no backup {backup_id}', status='NOT_FOUND'
            )
        return found[0], None
    found = [b for b in backups if b['name'] == name]
    if len(found) > 1:
        candidates = [dict(id=b['id'], status=b['status'], start_time=b['start_time']) for b in found]
        raise _ambiguous(
            f'backups of {source_id} named {name!r}',
            'backup_name',
            candidates,
            lambda c: '{id} ({status}, started {start_time})'.format(**c),
        )
    if not found:
        raise Refusal(
            f'source_backup.backup_name: instance {source_id} has no backup named {shown(name)}', status='NOT_FOUND'
        )
    return found[0], None


def backup_type(backup, source):
    """The architecture a backup restores: one shard is a master-slave instance, more a cluster (the API's rule
    as the emulator models it, docs/dev/api-notes.md#recycle-bin); the source's when the backup is unknown."""
    shards = (backup or {}).get('shard_count')
    if shards:
        return 'master-slave' if shards == 1 else 'cluster'
    return source.get('instance_type')


def fit_problem(backup, source, redis_version, entry):
    """The Refusal of a clone of ``backup`` (None: not readable) of ``source`` into a new instance of
    ``redis_version`` (as given; None is the API's default) and class ``entry`` (the describeInstanceClass-like
    entry; empty when not read, with preflight: false), or None when it fits."""
    label = 'backup {} of instance {}'.format(backup['id'], source['id']) if backup else f'the backup of {source["id"]}'
    if backup is not None and backup.get('status') != 'success':
        hint = 'wait until it succeeds' if backup.get('status') == 'running' else 'take another backup'
        return Refusal(
            f'source_backup: {label} is {backup.get("status")}; only a backup that succeeded can be cloned ({hint})',
            status='FAILED_PRECONDITION',
        )
    have = normalize_version(source.get('redis_version'))
    want = normalize_version(redis_version) or API_DEFAULT_VERSION
    if have and want != have:
        given = f'redis_version is {want}' if redis_version is not None else f'without redis_version it is {want}'
        return Refusal(
            f'source_backup: {label} is of Redis {have} and can only make a Redis {have} instance; '
            f'set redis_version: "{have}" ({given})'
        )
    kind, new_kind = backup_type(backup, source), (entry or {}).get('instanceType')
    if kind and new_kind and kind != new_kind:
        return Refusal(
            f'source_backup: {label} is of a {kind} instance and instance_class {entry.get("instanceClass")} is '
            f'{new_kind}; choose a {kind} class'
        )
    needed = backup and (backup.get('shard_memory_mb') or 0) * (backup.get('shard_count') or 0)
    memory = (entry or {}).get('memoryMB')
    if needed and memory and memory < needed:
        return Refusal(
            f'source_backup: {label} holds {needed} MB ({backup["shard_count"]} x {backup["shard_memory_mb"]} MB) '
            f'and instance_class {entry.get("instanceClass")} has {memory} MB; choose a class with at least {needed} MB'
        )
    return None


def clone_spec(source, backup_id):
    """The fields of createCacheInstance's cacheInstance that make the clone (both or neither, the SDK says)."""
    return dict(backupId=backup_id, srcInstanceId=source['id'])


def clone_result(source, in_bin, backup, backup_id):
    """The ``source_backup`` of the result: what the new instance was (or would be) cloned from."""
    return dict(
        instance_id=source['id'],
        instance_name=source.get('name'),
        in_recycle_bin=in_bin,
        backup_id=backup_id,
        backup_name=(backup or {}).get('name'),
    )


def plan_clone(api, params, entry):
    """Everything about ``source_backup`` before the create, reads only: ``(spec fields, result, warnings)``;
    a Refusal when the source instance or the backup does not exist, is ambiguous, or cannot make the instance."""
    wanted = params['source_backup']
    source, in_bin = find_source(api, wanted)
    backup, warning = find_backup(api, source, in_bin, wanted)
    problem = fit_problem(backup, source, params.get('redis_version'), entry)
    if problem is not None:
        raise problem
    backup_id = backup['id'] if backup is not None else wanted['backup_id']
    return clone_spec(source, backup_id), clone_result(source, in_bin, backup, backup_id), [warning] if warning else []


# -- the steps of the lifecycle (``_lifecycle.InstanceLifecycle``: api, params, check_mode, face, changes) ---------

BIN_FIELDS = ('soft_deleted_time', 'retain_expire_time')


def as_instance(binned):
    """An instance of the bin in the instance shape (what it is once recovered)."""
    return {key: value for key, value in binned.items() if key not in BIN_FIELDS}


def in_bin(binned):
    """The ``before`` of a recovery (diff, fleet entry): the instance as the recycle bin holds it, marked
    ``recycle_bin: true``, with when it was deleted and until when it can be recovered. The bin reports the status
    the instance had before the delete (``running``), which alone would read as a live instance."""
    return dict(binned, recycle_bin=True)


def bin_step(lc):
    """When no live instance is found: the instance of the recycle bin to recover, or None to create (without
    ``recover``, the bin is read only just before the create, by ``bin_warning``); with an instance_id that is only
    in the bin and no ``recover``, the refusal saying so."""
    params = lc.params
    if params.get('instance_id'):
        found = lc.api.find_recycled(instance_id=params['instance_id'])
        if found and params.get('recover'):
            return found[0]
        if found:
            raise Refusal(
                f'Instance {_binned_text(found[0])} is in the recycle bin; set recover: true to recover it (with '
                'its data and settings), or omit instance_id to create a new instance',
                status='NOT_FOUND',
            )
        return None
    if not params.get('recover'):
        return None
    return bin_plan(lc.api.find_recycled(name=params['name']), params['name'], True)[1] or None


def bin_warning(lc):
    """Just before a create without ``recover``: the warning naming the instances of the name in the recycle bin
    (what was deleted may be what the user wants back), or None."""
    params = lc.params
    if params.get('recover'):
        return None  # the bin was read by bin_step
    return bin_plan(lc.api.find_recycled(name=params['name']), params['name'], False, lc.check_mode)[1]


def bin_hint(lc):
    """On the way to failing for missing create options: the instances of the name in the recycle bin, which the
    task may mean (recovering needs none of those options), as the opening of the message; '' for none."""
    params = lc.params
    if params.get('recover') or params.get('instance_id') or not params.get('name'):
        return ''
    found = lc.api.find_recycled(name=params['name'])
    if not found:
        return ''
    return '{} named {!r} in the recycle bin: set recover: true to recover {}; '.format(
        ', '.join(_binned_text(i) for i in found), params['name'], 'it' if len(found) == 1 else 'one (with instance_id)'
    )


def settings_target(instance, changes, check_mode):
    """``(instance, created)`` for the settings beside the instance (``InstanceSettings.converge``). An instance
    still in the recycle bin (a recovery in check mode) has no setting to read: they are predicted as for a
    create."""
    if check_mode and 'recover' in changes and instance:
        return dict(instance, id=None), True
    return instance, 'create' in changes


def recover_step(lc, binned, immutable_differences):
    """Recover ``binned`` (check mode: predict it), refused first when the options ask what it cannot take.
    A lost answer is settled by reading the instance: out of the bin is recovered; the run never creates then.
    Returns the instance as an existing one, to converge the other options on."""
    params = lc.params
    differences = immutable_differences(params, binned)
    if differences:
        raise Refusal(
            'These options cannot be changed on instance {} in the recycle bin, so it is not recovered: {}. The '
            'module never deletes and recreates an instance; omit recover to create a new one'.format(
                binned['id'], '; '.join(differences)
            ),
            status='FAILED_PRECONDITION',
            instance=as_instance(binned),
        )
    instance_id = binned['id']
    if params.get('preflight'):
        lc.check_quota(f'instance {instance_id} cannot be recovered from the recycle bin, where it does not count')
    lc.changes.append('recover')
    if lc.check_mode:
        return as_instance(binned)
    try:
        lc.face.write(lambda: lc.api.recover(instance_id), lambda: lc.api.describe(instance_id), ['recover'])
    except JDCloudAPIError as exc:
        if exc.code == 404:
            raise Refusal(
                f'Instance {instance_id} left the recycle bin (destroyed, or its time there was up) before it could '
                'be recovered; nothing was created. Run again to create a new instance',
                status='NOT_FOUND',
                cause=exc,
            ) from None
        live = lc.api.describe(instance_id) if exc.code == 400 else None
        if live is None:
            raise
        lc.changes.remove('recover')  # recovered by someone else meanwhile: this run adopts it
    instance = lc.api.describe(instance_id)
    if instance is None:
        raise Refusal(f'Instance {instance_id} was recovered but cannot be read', status='ABORTED')
    return instance
