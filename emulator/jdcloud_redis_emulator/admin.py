"""A small client for the emulator's admin endpoint (``/_emulator/``), for tests and CI scripts."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

from .settings import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY


class AdminError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__('%s: %s' % (code, message))
        self.code = code
        self.message = message


class AdminClient:
    """``AdminClient('http://127.0.0.1:PORT')``; certificate checks are off for the emulator's own TLS."""

    def __init__(
        self, url: str, access_key: str = DEFAULT_ACCESS_KEY, secret_key: str = DEFAULT_SECRET_KEY, timeout: float = 10
    ):
        self.url = url.rstrip('/')
        self.access_key = access_key
        self.secret_key = secret_key
        self.timeout = timeout
        self._context = None
        if self.url.startswith('https://'):
            self._context = ssl.create_default_context()
            self._context.check_hostname = False
            self._context.verify_mode = ssl.CERT_NONE

    def call(self, method: str, path: str, body: dict = None, timeout: float = None) -> dict:
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(
            self.url + '/_emulator/' + path.lstrip('/'),
            data=data,
            method=method,
            headers={'Content-Type': 'application/json'},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout, context=self._context) as response:
                return json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read().decode('utf-8')).get('error')
            except ValueError:
                message = exc.reason
            raise AdminError(exc.code, message) from None

    def health(self) -> dict:
        return self.call('GET', 'health')

    def stats(self) -> dict:
        return self.call('GET', 'stats')

    def requests(self) -> list:
        return self.call('GET', 'requests')['requests']

    def reset(self, state: bool = True) -> dict:
        return self.call('POST', 'reset', {'state': state})

    def config(self, **settings) -> dict:
        """Change run-time settings; with no argument, return them."""
        if not settings:
            return self.call('GET', 'config')
        return self.call('POST', 'config', settings)

    def seed(self, count: int, region: str = 'cn-north-1', name_prefix: str = 'seed') -> list:
        return self.call('POST', 'seed', {'count': count, 'region': region, 'name_prefix': name_prefix})['ids']

    def churn(self, **plan) -> dict:
        """Churn between the pages of listings (see churn.py): renames, deletes, seed_oldest, start, times."""
        return self.call('POST', 'churn', plan)

    def set_quota(self, region: str, max: int) -> dict:  # pylint: disable=redefined-builtin
        return self.call('POST', 'quota', {'region': region, 'max': max})['quota']

    def force_status(self, instance_id: str, status: str) -> dict:
        return self.call('POST', 'instances/%s/status' % instance_id, {'status': status})

    def expire(self, instance_id: str) -> dict:
        return self.call('POST', 'instances/%s/expire' % instance_id, {})

    def seed_backups(
        self, instance_id: str, count: int, name_prefix: str = 'seeded', interval: float = 60, auto: bool = False
    ) -> list:
        """``count`` successful backups of an instance, ``interval`` seconds apart, the newest ending now."""
        body = {'count': count, 'name_prefix': name_prefix, 'interval': interval, 'auto': auto}
        return self.call('POST', 'instances/%s/backups' % instance_id, body)['ids']

    def fail_next_backup(self, instance_id: str) -> dict:
        """Make the next backup created for the instance fail when it ends."""
        return self.call('POST', 'instances/%s/fail-next-backup' % instance_id, {})

    def tag_failure(self, instance_id: str, message: str) -> dict:
        """Make the tag service fail for the instance with ``message`` (a 200 answer listing it as failed);
        an empty message ends that."""
        return self.call('POST', 'instances/%s/tag-failure' % instance_id, {'message': message})

    # requests (not transitions) held before they are handled: a test puts a change between a read and a write
    def hold_requests(self, operation: str, count: int = 1, skip: int = 0) -> dict:
        """Hold the next ``count`` requests of ``operation`` (after letting ``skip`` through) until released."""
        return self.call('POST', 'hold-requests', {'operation': operation, 'count': count, 'skip': skip})

    def held_requests(self) -> dict:
        """``{operation: {waiting, count, skip}}`` of the request hold plans."""
        return self.call('GET', 'hold-requests')

    def release_requests(self, operation: str = None, answer: str = None) -> dict:
        """Let the held requests of ``operation`` (of every operation when None) go on, answered normally or,
        with ``answer='error'``, with a 503; the plan ends."""
        return self.call('POST', 'release-requests', {'operation': operation, 'answer': answer})

    def wait_held_requests(self, operation: str, waiting: int = 1, timeout: float = 60) -> dict:
        """Return (the hold plans, as ``held_requests``) once ``waiting`` requests of ``operation`` are held;
        AssertionError after ``timeout`` seconds. The emulator waits, so nothing polls."""
        try:
            body = {'operation': operation, 'waiting': waiting, 'timeout': timeout}
            return self.call('POST', 'hold-requests/wait', body, timeout=timeout + self.timeout)
        except AdminError as exc:
            if exc.code == 408:
                raise AssertionError('no %s request was held within %s seconds' % (operation, timeout)) from None
            raise

    def check_password(self, instance_id: str, password: str) -> bool:
        return self.call('POST', 'instances/%s/check-password' % instance_id, {'password': password})['matches']

    # time and transitions: tests drive them instead of waiting (README, "Time and transitions")
    def clock(self) -> dict:
        """``{"now", "time", "offset", "frozen"}`` of the emulator's clock."""
        return self.call('GET', 'clock')

    def advance(self, seconds: float, after: dict = None) -> dict:
        """Move the emulator's clock ``seconds`` forward, now or ``after`` (see ``after()``)."""
        return self.call('POST', 'clock', _with_after({'advance': seconds}, after))

    def freeze(self, frozen: bool = True, after: dict = None) -> dict:
        """Stop (or restart) the emulator's clock; ``advance`` still moves a frozen clock."""
        return self.call('POST', 'clock', _with_after({'frozen': frozen}, after))

    def hold(self, *transitions: str) -> dict:
        """From now on, transitions of these kinds (all without argument: create, resize, delete, config,
        restore, backup, upgrade) wait for ``release`` whatever their delay; ``hold_none()`` stops holding."""
        return self.call('POST', 'hold', {'transitions': list(transitions)} if transitions else {})

    def hold_none(self) -> dict:
        return self.call('POST', 'hold', {'transitions': []})

    def held(self) -> dict:
        """``{"transitions": kinds held, "held": [{id, region, transition, status, baseId?}], "scheduled": [...]}``."""
        return self.call('GET', 'hold')

    def release(self, *transitions: str, ids: list = None, after: dict = None) -> dict:
        """Complete the held transitions of these kinds (all without argument) of these instances (all without
        ``ids``), now (``{"released": [...]}``) or ``after`` (``{"scheduled": ...}``)."""
        body = {'transitions': list(transitions) if transitions else None, 'ids': ids}
        return self.call('POST', 'release', _with_after(body, after))

    def force_status_after(self, instance_id: str, status: str, after: dict) -> dict:
        return self.call('POST', 'instances/%s/status' % instance_id, {'status': status, 'after': after})

    def force_status_named(self, name: str, status: str, after: dict = None) -> dict:
        """Force the status of every instance named exactly ``name`` (when ``after`` says: by then it may exist)."""
        return self.call('POST', 'status', _with_after({'name': name, 'status': status}, after))


def after(operation: str, answers: int = 1, since: str = None, since_answers: int = 1) -> dict:
    """When an admin action runs: right after the ``answers``-th answer of ``operation`` from now is computed,
    before it is sent; with ``since``, counting starts after the next answer of that operation (the first
    describeCacheInstance after a modifyCacheInstanceClass, whatever the client read before), or after its
    ``since_answers``-th (the first listing after the third describe of a create loop)."""
    when = {'operation': operation, 'answers': answers, 'since': since}
    if since is not None:
        when['since_answers'] = since_answers
    return when


def _with_after(body: dict, when: dict = None) -> dict:
    if when is not None:
        body['after'] = when
    return body
