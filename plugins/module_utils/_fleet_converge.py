# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fleet of instances converged in one process (jcs_redis_fleet): each entry is what one jcs_redis_instance
task with its settings would do, run by a worker that shares the fleet's client, on at most ``max_concurrency``
threads, with one wait for all the instances that are busy.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Phases: check every entry (no call); list the region once; check the quota once for the creates; start every
create and update without waiting; wait once for every busy instance (one listing per poll); converge the
settings; wait once for the instances whose parameters changed; start every delete; wait once for them. An entry
that fails is reported with its error and leaves the others going; a worker never exits the process.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import RedisAPI, Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, error_dict, explain, local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudError
from ansible_collections.jdcloud.cloud.plugins.module_utils._deletion import DELETION_ARGUMENT_SPEC, diff_after
from ansible_collections.jdcloud.cloud.plugins.module_utils._deletion import validate as deletion_problems
from ansible_collections.jdcloud.cloud.plugins.module_utils._fleet import wait_for_instances, wait_outcome
from ansible_collections.jdcloud.cloud.plugins.module_utils._instance import (
    INSTANCE_ARGUMENT_SPEC,
    diff_of,
    validate,
    zone_problems,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._instance_settings import (
    SETTINGS_ARGUMENT_SPEC,
    InstanceSettings,
    declared_settings,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._lifecycle import InstanceLifecycle
from ansible_collections.jdcloud.cloud.plugins.module_utils._recovery import settings_target
from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import SCHEDULE_ARGUMENT_SPEC

# The options of an entry: those of jcs_redis_instance that a declared fleet sets per instance.
ENTRY_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    **INSTANCE_ARGUMENT_SPEC,
    **DELETION_ARGUMENT_SPEC,
    **SETTINGS_ARGUMENT_SPEC,
    **SCHEDULE_ARGUMENT_SPEC,
)

POLL_INTERVAL = 2


class EntryFailed(Exception):
    """The failure of one entry: what JCSModule.fail would have exited with."""

    def __init__(self, msg, result):
        super().__init__(msg)
        self.msg = msg
        self.result = result


class CachingAPI(RedisAPI):
    """The fleet's API: what the region sells and the quota are read once for every worker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._cache = {}

    def _once(self, key, read):
        with self._lock:
            if key not in self._cache:
                self._cache[key] = read()
            return self._cache[key]

    def instance_classes(self, redis_version=None):
        return self._once(('classes', redis_version), lambda: super(CachingAPI, self).instance_classes(redis_version))

    def available_resources(self):
        return self._once('resources', lambda: super(CachingAPI, self).available_resources())

    def quota(self):
        return self._once('quota', lambda: super(CachingAPI, self).quota())

    def _tag_service(self):
        with self._lock:
            return super()._tag_service()


class _Face:
    """The AnsibleModule a worker sees: warnings are kept for the entry's result."""

    def __init__(self, module, warnings):
        self._module = module
        self._diff = module._diff
        self.check_mode = module.check_mode
        self.no_log_values = module.no_log_values
        self.warnings = warnings

    def warn(self, warning):
        self.warnings.append(warning)


class _Raising:
    def fail(self, msg, error=None, status=None, **kwargs):
        result = dict(kwargs)
        result['error'] = error if error is not None else local_error(status or 'FAILED_PRECONDITION', msg)
        raise EntryFailed(msg, result)


class EntryRun(_Raising, JCSModule):
    """One entry, as jcs_redis_instance would run it (wait: false), on the fleet's client and API."""

    def __init__(self, fleet, params, listed):
        self.fleet = fleet
        self.params = params
        self.listed = listed  # the instances of the region's one listing named like the entry
        self.check_mode = fleet.check_mode
        self.warnings = []
        self.module = _Face(fleet.module, self.warnings)
        self._client = fleet.client
        self._other_clients = []
        self._api = fleet.api
        self.changes = []
        self.applied = []  # what the base's write() records
        self.order = {}
        self.before = self.after = None
        self.settings_values, self.settings_before, self.settings_after = {}, {}, {}
        self.lifecycle_result = {}  # final_backup and deletion of a state: absent entry; scheduled, cancelled_tasks
        self.extra_diff = ({}, {})
        # the settings declared beside the instance; its reads after the instance's on one thread: the fleet reads
        # its instances side by side already
        self.settings = InstanceSettings(fleet.api, params, self.check_mode, self, read_threads=1)

    def find(self):
        """The lookup of the lifecycle: ``(instance or None, ids of the instances with the name being deleted)``."""
        # the region's listing answers for an entry whose name one instance has; any other case (a create, a
        # name several instances share) is looked up again, as jcs_redis_instance does
        if len(self.listed) == 1 and self.listed[0]['status'] != 'deleting':
            return self.listed[0], []
        return self.api.find_instance(None, self.params['name'])

    def problems(self):
        problems = deletion_problems(self.params) + validate(self.params)
        problems += zone_problems(self.params, self.fleet.api.region)
        if self.params['state'] == 'absent' and declared_settings(self.params):
            problems.append(
                '{} only apply with state: present'.format(', '.join(s.option for s in declared_settings(self.params)))
            )
        if not problems:
            try:
                self.settings.check()
            except EntryFailed as exc:
                problems.append(exc.msg)
        return problems

    def converge_instance(self):
        lifecycle = InstanceLifecycle(self.api, self.params, self.check_mode, self, self.find, self.settings)
        outcome = lifecycle.absent() if self.params['state'] == 'absent' else lifecycle.present()
        self.before, self.after = outcome.before, outcome.after
        self.changes, self.order, self.lifecycle_result = outcome.changes, outcome.order, outcome.result
        self.extra_diff = outcome.diff

    def converge_instance_settings(self, instance):
        changes, self.settings_values, self.settings_before, self.settings_after = self.settings.converge(
            *settings_target(instance, self.changes, self.check_mode)
        )
        self.changes.extend(c for c in changes if c not in self.changes)  # the window may be named already
        if 'maintenance_window' in self.settings_values and (self.after or {}).get('id'):
            # the instance was read before the window was written: it is returned as the run leaves it
            self.after['maintenance_window'] = self.settings_values['maintenance_window']

    def outcome(self):
        """The entry's result: ``state`` is created, updated, unchanged or deleted."""
        if 'create' in self.changes:
            state = 'created'
        elif 'recover' in self.changes:
            state = 'recovered'
        elif 'delete' in self.changes or 'destroy' in self.changes:
            state = 'deleted'
        else:
            state = 'updated' if self.changes else 'unchanged'
        present = self.params['state'] == 'present'
        instance = self.after if present else self.before
        result = dict(
            name=self.params['name'],
            state=state,
            changed=bool(self.changes),
            changes=list(self.changes),
            id=(instance or {}).get('id'),
            instance=instance,
            before=self.before,
        )
        if self.settings.setting_changes is not None:
            result['setting_changes'] = self.settings.setting_changes
        result.update(self.order)
        result.update(self.settings_values)
        result.update(self.lifecycle_result)
        if self.module._diff:
            diff = diff_of(self.before, self.after, self.changes, bool(self.params['password']))
            if not present:
                diff['after'] = diff_after(
                    self.lifecycle_result.get('deletion'), self.changes, self.params['final_backup']
                )
            diff['before'].update(self.settings_before)
            diff['after'].update(self.settings_after)
            diff['before'].update(self.extra_diff[0])
            diff['after'].update(self.extra_diff[1])
            diff['before_header'] = diff['after_header'] = self.params['name']
            result['diff'] = diff
        if self.warnings:
            result['warnings'] = list(self.warnings)
        return result


class Fleet:
    """The phases of one fleet run for ``module`` (a JCSModule with ``instances``, ``max_concurrency``, ``wait``,
    ``wait_timeout``, ``poll_interval``)."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.failures = {}  # name -> result of a failed entry
        self.quota = None  # read once when the fleet creates instances
        self.polls = 0  # listings of the waits

    def run(self):
        module = self.module
        params = self.params
        entries = params['instances']
        # counted once: a list's count per name made the check quadratic in the entries (1 M comparisons at 1,000)
        twice = sorted(name for name, count in Counter(entry['name'] for entry in entries).items() if count > 1)
        if twice:
            module.fail(
                'instances names these instances more than once: ' + ', '.join(twice), status='INVALID_ARGUMENT'
            )
        workers = [EntryRun(module, self.entry_params(entry), []) for entry in entries]
        problems = []
        for worker in workers:
            problems.extend('{}: {}'.format(worker.params['name'], p) for p in worker.problems())
        if problems:
            module.fail('; '.join(problems), status='INVALID_ARGUMENT')
        if not workers:
            return self.result([])
        # the pages of a large region side by side, on the entries' connections
        listed, _settled = module.api.list_instances(concurrency=params['max_concurrency'])
        by_name = {}
        for instance in listed:
            by_name.setdefault(instance['name'], []).append(instance)
        for worker in workers:
            worker.listed = by_name.get(worker.params['name'], [])
        present = [w for w in workers if w.params['state'] == 'present']
        absent = [w for w in workers if w.params['state'] == 'absent']
        self.check_quota(present)

        self.each(present, lambda w: w.converge_instance())
        ready = [w for w in present if w.params['name'] not in self.failures]
        running = self.wait_running([w for w in ready if w.after and w.after.get('id')], 'to run')
        self.read_settings(ready)
        self.each(ready, lambda w: w.converge_instance_settings(running.get((w.after or {}).get('id'), w.after)))
        configuring = [
            w
            for w in ready
            if w.params['name'] not in self.failures and any(c.startswith('config.') for c in w.changes)
        ]
        self.wait_running(configuring, 'to run again after the change of its parameters')
        self.each(absent, lambda w: w.converge_instance())
        self.wait_gone([w for w in absent if w.params['name'] not in self.failures and w.before])
        return self.result(workers)

    def entry_params(self, entry):
        """The options of jcs_redis_instance for ``entry``: the fleet's connection, the entry, never a wait."""
        params = {key: self.params.get(key) for key in self.module.connection_options}
        params.update(entry)
        params.update(
            instance_id=None,
            allow_duplicate_name=False,
            tag_endpoint=self.params.get('tag_endpoint'),
            preflight=True,
            wait=False,
            wait_timeout=self.params['wait_timeout'],
        )
        return params

    def check_quota(self, present):
        """One read of the quota for every create and recovery, before any write."""
        # an entry without a live instance is created, or recovered from the recycle bin: either needs room
        # (recoverInstance is refused with QUOTA_EXCEEDED without it)
        needing = [w for w in present if not any(i['status'] != 'deleting' for i in w.listed)]
        if not needing:
            return
        quota = self.quota = self.module.api.quota()
        free = quota['max'] - quota['used'] if quota else len(needing)
        if len(needing) > free:
            self.module.fail(
                'The Redis quota of region {} leaves room for {} more instance{} ({} of {} used), and {}; nothing '
                'was changed'.format(
                    self.module.api.region,
                    max(free, 0),
                    '' if free == 1 else 's',
                    quota['used'],
                    quota['max'],
                    self.needing_text(needing),
                ),
                error=local_error('QUOTA_EXCEEDED', 'quota too small for the creates and recoveries'),
            )

    def needing_text(self, needing):
        """Which of ``needing`` would be created and which recovered: the bin is read only for the entries with
        recover, and only when the quota refuses the run."""
        recovered = [
            w for w in needing if w.params.get('recover') and self.module.api.find_recycled(name=w.params['name'])
        ]
        created = [w for w in needing if w not in recovered]
        created_names = ', '.join(w.params['name'] for w in created)
        if not recovered:
            return f'{len(created)} would be created: {created_names}'
        back = 'recovered from the recycle bin ({})'.format(', '.join(w.params['name'] for w in recovered))
        if created:
            what = f'{len(created)} would be created ({created_names}) and {len(recovered)} {back}'
        else:
            what = f'{len(recovered)} would be {back}'
        return '{} {} it: {}'.format(len(needing), 'needs' if len(needing) == 1 else 'need', what)

    def each(self, workers, step):
        """``step(worker)`` on every worker not failed yet, at most max_concurrency at once; a failure is the
        worker's alone."""
        workers = [w for w in workers if w.params['name'] not in self.failures]
        if not workers:
            return

        def guarded(worker):
            try:
                step(worker)
            except EntryFailed as exc:
                self.failed(worker, exc.msg, exc.result)
            except Refusal as exc:
                if exc.cause is not None:
                    message = f'{exc.message}: {explain(exc.cause)}'
                    self.failed(worker, message, dict(exc.details, error=error_dict(exc.cause)))
                else:
                    self.failed(worker, exc.message, dict(exc.details, error=local_error(exc.status, exc.message)))
            except JDCloudError as exc:
                self.failed(worker, explain(exc), dict(error=error_dict(exc)))

        with ThreadPoolExecutor(max_workers=min(self.params['max_concurrency'], len(workers))) as pool:
            list(pool.map(guarded, workers))

    def read_settings(self, workers):
        """The declared settings of every instance left as it was and running, read side by side: each read of
        (instance, setting) is one task of one pool of as many threads as the client has connections, so the reads
        of an unchanged fleet go out together instead of one instance's after the other's, and never more at once
        than the pool holds. Kept for ``converge_instance_settings``, as jcs_redis_instance keeps the reads made
        beside the instance's; a read that failed (or found nothing) is made again there, so that its error is
        reported for its entry."""
        reads = []
        for worker in workers:
            instance = worker.after
            if (
                worker.params['name'] in self.failures
                or worker.changes
                or not instance
                or not instance.get('id')
                or instance.get('status') != 'running'
            ):
                continue
            worker.settings.reads, worker.settings.reads_status = {}, 'running'
            for setting, _wanted in worker.settings.entries:
                if not setting.component.in_instance:
                    reads.append((worker, setting, instance['id']))
        if not reads:
            return
        api = self.module.api  # made once, before the threads share it

        def read(task):
            worker, setting, instance_id = task
            try:
                value = setting.component.read(api, instance_id)
            except JDCloudError:
                return
            if value is not None:
                worker.settings.reads[setting.option] = value

        with ThreadPoolExecutor(max_workers=min(self.module.max_connections(), len(reads))) as pool:
            list(pool.map(read, reads))

    def failed(self, worker, msg, result):
        if worker.applied:
            result.setdefault('changed', True)
            result.setdefault('changes', list(worker.applied))
        instance = worker.after or worker.before
        entry = dict(
            name=worker.params['name'],
            state='failed',
            changed=bool(result.get('changed')),
            id=(instance or {}).get('id'),
            instance=instance,
            before=worker.before,
        )
        entry['changes'] = result.pop('changes', list(worker.applied))
        entry['msg'] = self.module.scrub(msg)
        entry.update(self.module.scrub(result))
        self.failures[worker.params['name']] = entry

    def _listing(self, ids):
        def listing():
            found, _settled = self.module.api.list_instances(filters=[dict(name='cacheInstanceId', values=ids)])
            return found

        return listing

    def wait_running(self, workers, what):
        """Wait once for every instance of ``workers`` that does not run; ``{id: instance}`` as last listed. In
        check mode nothing was started, and with wait: false nothing is waited for."""
        busy = {
            w.after['id']: w for w in workers if w.after and w.after.get('id') and w.after.get('status') != 'running'
        }
        if what != 'to run':
            busy = {w.after['id']: w for w in workers}
        if not busy or self.module.check_mode or not self.params['wait']:
            return {}
        timeout = self.params['wait_timeout']
        instances, polls, names = wait_for_instances(
            self._listing(sorted(busy)), 'running', timeout, self.params['poll_interval']
        )
        self.polls += polls
        listed = {i['id']: i for i in instances}
        for instance_id, worker in busy.items():
            instance = listed.get(instance_id)
            if instance is not None and instance['status'] == 'running':
                if what == 'to run':
                    worker.after = instance
                continue
            problem = wait_outcome('running', [instance] if instance else [], [instance_id], names, timeout)
            status = 'WAIT_TIMEOUT' if problem.startswith('Timed out') else 'INSTANCE_ERROR'
            self.failed(worker, problem, dict(error=local_error(status, problem)))
        return listed

    def wait_gone(self, workers):
        gone = {w.before['id']: w for w in workers if 'delete' in w.changes or w.before.get('status') == 'deleting'}
        if not gone or self.module.check_mode or not self.params['wait']:
            return
        timeout = self.params['wait_timeout']
        instances, polls, _names = wait_for_instances(
            self._listing(sorted(gone)), 'absent', timeout, self.params['poll_interval']
        )
        self.polls += polls
        for instance in instances:
            worker = gone.get(instance['id'])
            if worker is not None:
                problem = wait_outcome('absent', [instance], [instance['id']], {}, timeout)
                status = 'WAIT_TIMEOUT' if problem.startswith('Timed out') else 'INSTANCE_ERROR'
                self.failed(worker, problem, dict(error=local_error(status, problem)))

    def result(self, workers):
        results = []
        for worker in workers:
            name = worker.params['name']
            results.append(self.failures[name] if name in self.failures else worker.outcome())
        summary = {state: [r['name'] for r in results if r['state'] == state] for state in STATES}
        result = dict(
            changed=any(r['changed'] for r in results),
            instances=results,
            polls=self.polls,
            check_mode=self.module.check_mode,
            **summary,
        )
        if self.quota is not None:
            result['quota'] = self.quota
        for entry in results:
            for warning in entry.get('warnings', ()):
                self.module.module.warn('{}: {}'.format(entry['name'], warning))
        if self.module.module._diff:
            result['diff'] = [r['diff'] for r in results if r.get('diff') and r['changed']]
        if self.failures:
            message = '; '.join('{}: {}'.format(name, entry['msg']) for name, entry in self.failures.items())
            self.module.fail(
                f'{len(self.failures)} of {len(results)} instances failed: {message}',
                error=local_error('INSTANCES_FAILED', message),
                **result,
            )
        return result


STATES = ('created', 'recovered', 'updated', 'unchanged', 'deleted', 'failed')


class FleetModule(JCSModule):
    """The base of jcs_redis_fleet: its API reads what the region sells once."""

    connection_options = ('access_key', 'secret_key', 'region', 'endpoint', 'validate_certs', 'ca_path')
    connection_options += ('api_timeout', 'api_retries')

    def max_connections(self):
        return self.params['max_concurrency'] + 4

    @property
    def api(self):
        if self._api is None:
            region = self.checked_region()
            self._api = CachingAPI(self.client, region, self._tag_client)
        return self._api
