# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Module base of the jdcloud.cloud collection.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Every module goes through this class: the common options, one client per run,
the single fail funnel (``msg`` + structured ``error``, secrets scrubbed) and
the waiter.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from typing import Any, Callable, NoReturn, TypeVar
from urllib.parse import quote, urlsplit

from ansible.module_utils.basic import AnsibleFallbackNotFound, AnsibleModule, _load_params, missing_required_lib
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import RedisAPI, Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    SERVICE,
    TAG_SERVICE,
    JDCloudAPIError,
    JDCloudClient,
    JDCloudError,
    JDCloudOutcomeUnknownError,
    JDCloudTimeoutError,
    JDCloudTransportError,
    shown,
    tag_endpoint_for,
)

T = TypeVar('T')

# JD Cloud's region IDs are short (cn-north-1, cn-southwest-2); 32 characters leave room for new ones while a
# hostile value is refused here instead of being sent in every request path.
REGION_PATTERN = re.compile(r'(?=.{1,32}\Z)[a-z]{2,}(-[a-z0-9]+)+\Z')


def env_fallback(*names: str) -> str:
    """Like Ansible's env_fallback, but an empty variable counts as unset:
    AWX sets every variable of a credential type, even the fields left empty."""
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise AnsibleFallbackNotFound


COMMON_ARGUMENT_SPEC = dict(
    # The access key is an identifier that travels in every Authorization header;
    # marking it no_log would only mask it in unrelated output.
    access_key=dict(type='str', no_log=False, fallback=(env_fallback, ['JDCLOUD_ACCESS_KEY'])),
    secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ['JDCLOUD_SECRET_KEY'])),
    # Not required here: AnsibleModule's message for a missing option could not name JDCLOUD_REGION.
    region=dict(type='str', fallback=(env_fallback, ['JDCLOUD_REGION'])),
    endpoint=dict(type='str', default='https://redis.jdcloud-api.com', fallback=(env_fallback, ['JDCLOUD_ENDPOINT'])),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    api_timeout=dict(type='int', default=30),
    api_retries=dict(type='int', default=5),
)

# Waiting: poll quickly at first (most transitions in tests and small
# instances are short), then settle at a cap so that a wait of T seconds costs
# about T / POLL_CAP describe calls and the lag after a transition never
# exceeds the cap.
POLL_FIRST = 0.5
POLL_FACTOR = 1.5
POLL_CAP = 2.0

API_TIMEOUT_MAX = 3600
API_RETRIES_MAX = 100

_LOOPBACK_HOSTS = ('localhost', '::1')
ACCESS_KEY_PATTERN = re.compile(r'[\x21-\x7e]+\Z')


def connection_problem(params: dict[str, Any]) -> str | None:
    """What is wrong with the credential and connection options, naming the option, or None.
    The endpoint is checked by the client itself (new_client)."""
    missing = [
        f'{option} (or the environment variable {variable})'
        for option, variable in (('access_key', 'JDCLOUD_ACCESS_KEY'), ('secret_key', 'JDCLOUD_SECRET_KEY'))
        if not params.get(option)
    ]
    if missing:
        return 'Missing JD Cloud credentials: set ' + ' and '.join(missing)
    # The access key travels in a header: a character that cannot go on the wire would fail deep in the
    # HTTP stack instead of here, naming the option.
    if not ACCESS_KEY_PATTERN.match(params['access_key']):
        return 'access_key must be printable ASCII characters without spaces'
    if params['ca_path'] is not None and not os.path.isfile(params['ca_path']):
        return 'ca_path {} is not a readable file of CA certificates'.format(shown(params['ca_path']))
    # Upper bounds too: a timeout beyond the platform's time_t overflows deep in the socket layer,
    # and thousands of retries with backoff would hold a task for days.
    for option, low, high in (('api_timeout', 1, API_TIMEOUT_MAX), ('api_retries', 0, API_RETRIES_MAX)):
        if not low <= params[option] <= high:
            return f'{option} must be between {low} and {high}, got {params[option]}'
    return None


def new_client(
    params: dict[str, Any], max_pool: int, endpoint: str | None = None, service: str = SERVICE
) -> JDCloudClient:
    """The client of checked connection options; JDCloudError when the endpoint is not valid. ``endpoint``
    and ``service`` (the name in the signature scope) are those of the Redis API unless given."""
    return JDCloudClient(
        access_key=params['access_key'],
        secret_key=params['secret_key'],
        endpoint=params['endpoint'] if endpoint is None else endpoint,
        service=service,
        timeout=params['api_timeout'],
        retries=params['api_retries'],
        validate_certs=params['validate_certs'],
        ca_path=params['ca_path'],
        max_pool=max_pool,
    )


def plain_http_warning(endpoint: str) -> str | None:
    parts = urlsplit(endpoint)
    if parts.scheme == 'http' and not (parts.hostname in _LOOPBACK_HOSTS or parts.hostname.startswith('127.')):
        return f'endpoint {endpoint} uses plain HTTP: requests and responses are not encrypted'
    return None


def error_dict(exc: JDCloudError) -> dict[str, Any]:
    """The structured ``error`` of a failed call, with a client-side status
    for failures that never got an API answer."""
    if isinstance(exc, JDCloudAPIError):
        return dict(code=exc.code, status=exc.status, message=exc.message, request_id=exc.request_id)
    if isinstance(exc, JDCloudOutcomeUnknownError):
        status = 'OUTCOME_UNKNOWN'
    elif isinstance(exc, JDCloudTimeoutError):
        status = 'TIMEOUT'
    elif isinstance(exc, JDCloudTransportError):
        status = 'CONNECTION_ERROR'
    else:
        status = 'CLIENT_ERROR'
    return dict(code=None, status=status, message=exc.message, request_id=exc.request_id)


def local_error(status: str, message: str) -> dict[str, Any]:
    """The structured ``error`` of a failure the module decides itself, without an API answer."""
    return dict(code=None, status=status, message=message, request_id=None)


def explain(exc: JDCloudError) -> str:
    """A one-line explanation of a client error for ``msg``."""
    if isinstance(exc, JDCloudAPIError):
        if exc.code == 401:
            return (
                f'JD Cloud rejected the request signature ({exc.status}: {exc.message}); check access_key and secret_key, '
                'and that the clock of the host running the module is correct'
            )
        return f'JD Cloud API error {exc.code} {exc.status}: {exc.message}'
    if isinstance(exc, JDCloudOutcomeUnknownError):
        return f'The outcome of the request is unknown: {exc.message}'
    return f'Could not reach the JD Cloud API: {exc.message}'


def _is_infinite(value):
    try:
        return math.isinf(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def _fail_infinite_integers(spec: dict[str, Any], module_kwargs: dict[str, Any]) -> NoReturn:
    """Fail naming the integer options set to infinity (``inf``, ``.inf``, ``Infinity``).

    ansible-core's int check lets such a value escape as OverflowError instead of its usual error
    (fixed upstream by ansible/ansible#87253, not in 2.19 or 2.21), which ends the run with a message
    that names no option. The parameters are read again with those options untyped, only to say which."""
    integers = [name for name, option in spec.items() if option.get('type') == 'int']
    untyped = {name: dict(option, type='raw') if name in integers else option for name, option in spec.items()}
    module = AnsibleModule(argument_spec=untyped, **module_kwargs)
    names = [name for name in integers if _is_infinite(module.params.get(name))]
    message = '{} must be a whole number, got infinity'.format(' and '.join(names) or 'an integer option')
    module.fail_json(msg=message, error=local_error('INVALID_ARGUMENT', message))


def null_required_problem(params: dict[str, Any], module_kwargs: dict[str, Any]) -> str | None:
    """The ``required_one_of`` and ``required_if`` rules again, with an option set to null as missing:
    ansible-core counts it as given, and the module would then go on without it (a listing by no name, a backup
    without a file name)."""
    for group in module_kwargs.get('required_one_of', ()):
        if all(params.get(name) is None for name in group):
            return 'one of {} is required, and not null'.format(' and '.join(group))
    for rule in module_kwargs.get('required_if', ()):
        key, value, names = rule[:3]
        if params.get(key) != value:
            continue
        missing = [name for name in names if params.get(name) is None]
        if len(rule) > 3 and rule[3]:
            if len(missing) == len(names):
                return 'one of {} is required with {}={}, and not null'.format(' and '.join(names), key, value)
        elif missing:
            return '{} required with {}={}, and not null'.format(
                ' and '.join(missing) + (' is' if len(missing) == 1 else ' are'), key, value
            )
    return None


def _keys_text(subspec: dict[str, Any]) -> str:
    keys = list(subspec)
    return ' and '.join(filter(None, [', '.join(keys[:-1]), keys[-1]]))


def suboptions_problem(spec: dict[str, Any], params: Any, prefix: str = '') -> str | None:
    """The first option with sub-options that ansible-core cannot read as dictionaries, named by its path.

    ansible-core fails on such a value (a string given for a list of dictionaries, or for one of its
    elements) while it lists the no_log values, before any validation, with "dictionary requested, could
    not parse JSON or key=value", which names no option. Nested entries (a fleet entry's white list) are
    looked into; a dictionary written as ``key=value`` text stays accepted, as ansible-core accepts it."""
    if not isinstance(params, dict):
        return None
    for name, option in spec.items():
        subspec, value = option.get('options'), params.get(name)
        if not subspec or value is None:
            continue
        path = prefix + name
        if option.get('type') == 'list':
            if isinstance(value, str) or (isinstance(value, list) and not all(isinstance(i, dict) for i in value)):
                return f'{path} must be a list of dictionaries with the keys {_keys_text(subspec)}'
            items = enumerate(value) if isinstance(value, list) else ()
            found = next(filter(None, (suboptions_problem(subspec, i, f'{path}[{n}].') for n, i in items)), None)
        elif isinstance(value, dict):
            found = suboptions_problem(subspec, value, f'{path}.')
        else:
            try:
                check_type_dict(value)
            except TypeError:
                return f'{path} must be a dictionary with the keys {_keys_text(subspec)}'
            found = None
        if found:
            return found
    return None


def _fail_unreadable_suboptions(spec: dict[str, Any], module_kwargs: dict[str, Any], problem: str) -> NoReturn:
    # Read with the options that have sub-options untyped (ansible-core would fail on them again) and left out
    # of the invocation shown, as what was given may hold a password that a sub-option's no_log would hide.
    nested = [name for name, option in spec.items() if 'options' in option]
    untyped = {name: dict(type='raw') if name in nested else option for name, option in spec.items()}
    module = AnsibleModule(argument_spec=untyped, **module_kwargs)
    shown = {name: value for name, value in module.params.items() if name not in nested}
    module.fail_json(msg=problem, error=local_error('INVALID_ARGUMENT', problem), invocation=dict(module_args=shown))


class _AnsibleModule(AnsibleModule):
    def fail_json(self, msg, **kwargs):
        # ansible-core's own refusals (argument validation) get the structured error of every failure
        kwargs.setdefault('error', local_error('INVALID_ARGUMENT', msg))
        super().fail_json(msg, **kwargs)


class JCSModule:
    """Base of every jdcloud.cloud module.

    Subclasses define ``argument_spec`` (module-specific options), optional
    AnsibleModule keyword arguments in ``module_kwargs`` and implement ``run()``,
    which returns the result dictionary (without secrets).
    """

    argument_spec: dict[str, Any] = {}
    module_kwargs: dict[str, Any] = {}

    def __init__(self) -> None:
        spec = dict(COMMON_ARGUMENT_SPEC)
        spec.update(self.argument_spec)
        problem = suboptions_problem(spec, _load_params())
        if problem:
            _fail_unreadable_suboptions(spec, self.module_kwargs, problem)
        try:
            self.module = _AnsibleModule(argument_spec=spec, **self.module_kwargs)
        except OverflowError:
            _fail_infinite_integers(spec, self.module_kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self._client: JDCloudClient | None = None
        self._other_clients: list[JDCloudClient] = []
        self._api: RedisAPI | None = None
        # the names of what the writes that went through changed (record()), reported by every failure
        self.applied: list[str] = []
        # values read for the result that give access to data (backup download links): the result the user asked for
        # holds them, no failure may show them
        self.sensitive: set[str] = set()
        if not HAS_REQUESTS:
            self.module.fail_json(
                msg=missing_required_lib('requests'),
                exception=REQUESTS_IMPORT_ERROR,
                error=local_error('FAILED_PRECONDITION', 'the Python library requests is missing'),
            )
        problem = null_required_problem(self.params, self.module_kwargs)
        if problem:
            self.fail(problem, status='INVALID_ARGUMENT')

    # -- the one client of this run ------------------------------------------

    @property
    def client(self) -> JDCloudClient:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def _make_client(self, endpoint: str | None = None, service: str = SERVICE) -> JDCloudClient:
        problem = connection_problem(self.params)
        if problem:
            self.fail(problem, status='INVALID_ARGUMENT')
        try:
            client = new_client(self.params, self.max_connections(), endpoint, service)
        except JDCloudError as exc:  # the endpoint: the other arguments are checked above
            self.fail(exc.message, status='INVALID_ARGUMENT')
        warning = plain_http_warning(client.endpoint)
        if warning:
            self.module.warn(warning)
        return client

    def max_connections(self) -> int:
        """How many connections the client may keep open; modules that fetch
        in parallel raise it."""
        return 1

    def checked_region(self) -> str:
        """The region option, checked without a call."""
        region = self.params['region']
        if not region:
            self.fail(
                'Missing region: set region (or the environment variable JDCLOUD_REGION)', status='INVALID_ARGUMENT'
            )
        if not REGION_PATTERN.match(region):
            self.fail(
                f'region must be a JD Cloud region ID such as cn-north-1, got {shown(region)}',
                status='INVALID_ARGUMENT',
            )
        return region

    @property
    def api(self) -> RedisAPI:
        """The Redis operations of the module's region; the tag operations go to the resource-tag service, on
        the endpoint of the module's ``tag_endpoint`` option or the one that goes with ``endpoint``."""
        if self._api is None:
            region = self.checked_region()
            self._api = RedisAPI(self.client, region, self._tag_client)
        return self._api

    # -- the fail funnel --------------------------------------------------------

    def _secrets(self) -> set[Any]:
        values = {v for v in self.module.no_log_values if v and len(str(v)) >= 3}
        values.update(self.sensitive)
        for option in ('secret_key', 'password'):
            value = self.params.get(option)
            if value:
                values.add(value)
        return values

    def scrub(self, data: T) -> T:
        """Remove every secret from ``data`` (strings, lists and dicts), in the
        plain, JSON-escaped and URL-quoted forms an API might echo back."""
        secrets = self._secrets()
        if not secrets:
            return data
        forms = set()
        for secret in secrets:
            secret = str(secret)
            forms.update((secret, json.dumps(secret)[1:-1], quote(secret, safe=''), quote(secret)))
        forms = sorted(forms, key=len, reverse=True)

        def clean(value):
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            if isinstance(value, str):
                for form in forms:
                    value = value.replace(form, '********')
            return value

        return clean(data)

    def fail(self, msg: str, error: dict[str, Any] | None = None, status: str | None = None, **kwargs: Any) -> NoReturn:
        """The only way a module of this collection fails. Every failure carries a structured
        ``error``: the API's, or one with ``status`` for a failure the module decides itself."""
        result = dict(kwargs)
        if self.applied:
            # a write went through before this failure: the run did change something
            result.setdefault('changed', True)
            result.setdefault('changes', list(self.applied))
        result['error'] = error if error is not None else local_error(status or 'FAILED_PRECONDITION', msg)
        self._close()
        self.module.fail_json(msg=self.scrub(msg), **self.scrub(result))

    def warn(self, warning: str) -> None:
        self.module.warn(warning)

    def fail_from(self, exc: JDCloudError, context: str | None = None, **kwargs: Any) -> NoReturn:
        """Fail with the explanation and the structured ``error`` of a client error."""
        msg = explain(exc)
        if context:
            msg = f'{context}: {msg}'
        self.fail(msg, error=error_dict(exc), **kwargs)

    def _tag_client(self) -> JDCloudClient:
        """A client of this run for the resource-tag service (same keys and connection options), closed with the
        run's."""
        endpoint = self.params.get('tag_endpoint') or tag_endpoint_for(self.client.endpoint)
        client = self._make_client(endpoint, TAG_SERVICE)
        self._other_clients.append(client)
        return client

    def _close(self) -> None:
        for client in [self._client, *self._other_clients]:
            if client is not None:
                client.close()

    # -- running ----------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        raise NotImplementedError()

    def execute(self) -> NoReturn:
        try:
            result = self.run()
        except Refusal as exc:
            if exc.cause is not None:
                self.fail_from(exc.cause, exc.message, **exc.details)
            self.fail(exc.message, status=exc.status, **exc.details)
        except JDCloudError as exc:
            self.fail_from(exc)
        else:
            self._close()
            # No scrub() here: a result is built from API reads, which never return a password, and
            # exit_json already masks every no_log value; a second walk costs 0.1 s on 10,000 instances.
            self.module.exit_json(**result)

    # -- waiting ----------------------------------------------------------------

    def wait_for(
        self,
        fetch: Callable[[], dict[str, Any] | None],
        done: Callable[[dict[str, Any] | None], bool],
        timeout: float,
        what: str,
        sleep: Callable[[float], None] = time.sleep,
        stop: tuple[str, ...] = ('error',),
        key: str = 'instance',
    ) -> dict[str, Any] | None:
        """Poll ``fetch()`` until ``done(value)`` is true.

        ``fetch`` returns the current resource (or None when it is gone).  A
        resource whose ``status`` is in ``stop`` ends the wait at once.  On
        timeout the module fails with the last status seen, and the last value
        under ``key`` (a backup is not an instance).
        """
        deadline = time.monotonic() + timeout
        delay = POLL_FIRST
        while True:
            value = fetch()
            if done(value):
                return value
            status = value.get('status') if isinstance(value, dict) else 'gone'
            if status in stop:
                self.fail(
                    f'{what} failed: the instance went into status {status}',
                    error=local_error(
                        'INSTANCE_ERROR' if status == 'error' else 'ABORTED', f'instance status is {status}'
                    ),
                    instance=value,
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.fail(
                    f'Timed out after {timeout} seconds waiting for {what}; last status seen: {status}',
                    error=local_error('WAIT_TIMEOUT', f'last status: {status}'),
                    **{key: value},
                )
            sleep(min(delay, remaining))
            delay = min(delay * POLL_FACTOR, POLL_CAP)

    # -- writes: what went through, whatever fails after --------------------------------

    def record(self, changes: Any) -> None:
        """Note the names of what a write that went through changed: every later failure of the run reports
        them (``changed: true``, ``changes``), since handlers and job reports must know."""
        for name in changes:
            if name not in self.applied:
                self.applied.append(name)

    def write(
        self, call: Callable[[], T], applied: Callable[[], Any] | None = None, changes: Any = ()
    ) -> tuple[T | None, Any]:
        """Make a write call; once it went through, ``changes`` (the names of what it changes) are recorded.

        A write that may have gone through without an answer saying so (outcome unknown, a 5xx, a connection
        lost after sending) is checked with ``applied()``, which re-reads the resource and returns a non-None
        value when the write did take effect; it then counts as done. A write the client does not resend by
        itself whose re-read shows it not applied is made again, at most ``api_retries`` more times. Without
        ``applied``, or when the re-read fails too, such a write counts as applied: a report of a change that
        did not happen is safer than a change reported as none. An API refusal (4xx) is raised untouched.
        Returns ``(result of call or None, what applied() returned or None)``.
        """
        retries = 0
        while True:
            try:
                result = call()
            except JDCloudError as exc:
                if isinstance(exc, JDCloudAPIError) and exc.code < 500:
                    raise
                evidence = self._applied_evidence(applied, changes, exc)
                if evidence is not None:
                    self.record(changes)
                    return None, evidence
                if not isinstance(exc, JDCloudOutcomeUnknownError):
                    raise  # the client already resent it as often as allowed
                retries += 1
                if retries > self.params['api_retries']:
                    raise
                continue
            self.record(changes)
            return result, None

    def _applied_evidence(self, applied: Callable[[], Any] | None, changes: Any, exc: JDCloudError) -> Any:
        if applied is None:
            self.record(changes)
            raise exc
        try:
            return applied()
        except JDCloudError:
            self.record(changes)
            raise exc from None
