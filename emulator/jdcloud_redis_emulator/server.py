"""The HTTP front end: a ThreadingHTTPServer speaking HTTP/1.1 keep-alive, the API envelope,
fault injection, the unsigned admin endpoint under ``/_emulator/``, and the ``Emulator`` object."""

from __future__ import annotations

import json
import random
import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from . import catalogue, day2_admin, operations, registry, signing
from .churn import Churn, ChurnError
from .clock import Clock, Triggers, parse_after
from .errors import ApiError, access_error, method_not_allowed, not_found
from .faults import HOLD_ANSWERS, HOLD_MAX, Faults, Holds, Observer
from .settings import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, VERSION, RuntimeSettings
from .store import STATUSES, TRANSITIONS, Store
from .validation import NAME_RE

MAX_BODY = 1024 * 1024
MAX_DRAINED = 16 * 1024 * 1024
_REQUEST_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
_request_ids = random.Random()
_BAD_GATEWAY = b'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n'


def new_request_id() -> str:
    return ''.join(_request_ids.choices(_REQUEST_ID_ALPHABET, k=32))


class _Abort(Exception):
    """Raised to drop the connection without an answer."""


class AdminError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'jdcloud-redis-emulator/' + VERSION
    sys_version = ''
    wbufsize = -1  # headers and body leave in one write per response
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections are closed after this

    # ----------------------------------------------------------------- plumbing
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            sys.stderr.write('%s - %s\n' % (self.address_string(), format % args))

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _headers_map(self) -> dict:
        out = {}
        for name, value in self.headers.items():
            out.setdefault(name.lower(), []).append(value)
        return out

    def _read_body(self) -> bytes:
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            raise ApiError(411, 'INVALID_ARGUMENT', 'chunked request bodies are not supported; send Content-Length')
        length = self.headers.get('Content-Length')
        if length is None:
            return b''
        if not length.strip().isdigit():
            raise ApiError(400, 'INVALID_ARGUMENT', 'invalid Content-Length')
        length = int(length)
        if length > MAX_BODY:
            if length <= MAX_DRAINED:
                # read it away so that the client, still sending, gets the answer instead of a broken pipe
                while length > 0:
                    chunk = self.rfile.read(min(length, 65536))
                    if not chunk:
                        break
                    length -= len(chunk)
            else:
                self.close_connection = True
            raise ApiError(413, 'INVALID_ARGUMENT', 'request body larger than %d bytes' % MAX_BODY)
        return self.rfile.read(length)

    def _write(self, status: int, body: bytes, content_type: str, headers: dict) -> None:
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _json(self, status: int, payload: dict, headers: dict = None) -> None:
        self._write(
            status,
            json.dumps(payload, ensure_ascii=False).encode('utf-8'),
            'application/json; charset=utf-8',
            headers or {},
        )

    def _abort(self) -> None:
        """Reset the connection (RST, no answer): SO_LINGER(1, 0) then close."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        except OSError:
            pass
        self.connection.close()  # really closed, with the RST, when finish() closes rfile/wfile

    def _dispatch(self) -> None:
        target = self.path
        if target.startswith(('http://', 'https://')):
            parts = urlsplit(target)
            target = parts.path + ('?' + parts.query if parts.query else '')
        raw_path, dummy, query = target.partition('?')
        if raw_path.startswith('/_emulator/'):
            self._admin(raw_path)
        else:
            self._begun = False
            try:
                self._api(raw_path, query)
            finally:
                if self._begun:
                    self.server.emulator.observer.end()

    # ----------------------------------------------------------------- API
    def _api(self, raw_path: str, query: str) -> None:
        emulator = self.server.emulator
        settings = emulator.settings
        request_id = new_request_id()
        target = operations.route(self.command, raw_path)
        operation = target.operation if target else None
        answered = False  # the operation itself answered (not a fault, a refused signature or a bad route)
        entry = emulator.observer.begin(self.command, raw_path, operation, request_id)
        self._begun = True
        headers = {'x-jdcloud-request-id': request_id}
        try:
            body = self._read_body()
        except ApiError as exc:
            if exc.code != 413:
                self.close_connection = True  # the rest of the stream cannot be trusted
            entry['status'] = exc.code
            self._json(exc.code, {'requestId': request_id, 'error': exc.to_error()}, headers)
            return
        if emulator.holds.arrive(operation) == 'error':
            error = ApiError(503, 'UNAVAILABLE', 'service temporarily unavailable')
            emulator.observer.fault(entry, 'error')
            entry['status'] = 503
            self._json(503, {'requestId': request_id, 'error': error.to_error()}, headers)
            return
        if settings.latency_ms:
            time.sleep(settings.latency_ms / 1000.0)

        fault = emulator.faults.before(settings, operation)
        if fault is not None:
            kind, status = fault
            emulator.observer.fault(entry, kind)
            if kind == 'reset':
                self._abort()
                return
            entry['status'] = status
            if status == 502:  # what a load balancer in front of the gateway answers: HTML, not JSON
                self._write(502, _BAD_GATEWAY, 'text/html', headers)
                return
            if kind == 'throttle':
                error = ApiError(
                    429,
                    'TOO_MANY_REQUESTS',
                    'request rate limit exceeded, retry later',
                    {'Retry-After': str(settings.retry_after)},
                )
            elif status == 503:
                error = ApiError(503, 'UNAVAILABLE', 'service temporarily unavailable')
            else:
                error = ApiError(500, 'INTERNAL', 'Internal server error')
            headers.update(error.headers)
            self._json(status, {'requestId': request_id, 'error': error.to_error()}, headers)
            return

        try:
            if target is None:
                raise not_found('no API at %s' % unquote(raw_path))
            if operation is None:
                raise method_not_allowed(self.command, unquote(raw_path), target.allowed)
            if settings.verify_signatures:
                try:
                    signing.verify(
                        self.command,
                        raw_path,
                        query,
                        self._headers_map(),
                        body,
                        emulator.credentials,
                        expected_region=target.signing_region(query),
                        expected_service=target.service,
                        skew_seconds=settings.skew_seconds,
                    )
                except signing.SignatureError as exc:
                    entry['detail'] = str(exc)
                    raise access_error() from None
            answered = True
            result = operations.execute(emulator.store, settings, target, query, body)
            if operation == 'describeCacheInstances':
                emulator.churn.after_list(emulator.store)
            status, payload = 200, {'requestId': request_id}
            if result is not None:
                payload['result'] = result
        except ApiError as exc:
            status, payload = exc.code, {'requestId': request_id, 'error': exc.to_error()}
            headers.update(exc.headers)
            entry['error'] = exc.status
        except Exception:  # pylint: disable=broad-except
            traceback.print_exc(file=sys.stderr)
            error = {'code': 500, 'status': 'INTERNAL', 'message': 'Internal server error'}
            status, payload = 500, {'requestId': request_id, 'error': error}
        entry['status'] = status
        if answered:
            # before the answer leaves: a client that gets it can never see the state from before the action
            emulator.triggers.answered(operation)
        if emulator.faults.drop_after(settings, operation):
            emulator.observer.fault(entry, 'drop_response')
            self._abort()
            return
        self._json(status, payload, headers)

    # ----------------------------------------------------------------- admin
    def _admin(self, raw_path: str) -> None:
        try:
            body = self._read_body()
            data = json.loads(body.decode('utf-8')) if body.strip() else {}
            if not isinstance(data, dict):
                raise AdminError(400, 'body must be a JSON object')
            result = self.server.emulator.admin(self.command, unquote(raw_path), data)
            self._json(200, result)
        except AdminError as exc:
            self._json(exc.code, {'error': str(exc)})
        except ApiError as exc:
            self._json(exc.code, {'error': exc.message})
        except ValueError as exc:
            self._json(400, {'error': str(exc)})


def check_members(data: dict, known: tuple) -> None:
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise AdminError(400, 'unknown member %s; known: %s' % (', '.join(unknown), ', '.join(known)))


def transitions(data: dict, key: str, default):
    """The list of transition kinds under ``key`` (``default`` when absent)."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(v in TRANSITIONS for v in value):
        raise AdminError(400, '%s must be a list of: %s' % (key, ', '.join(TRANSITIONS)))
    return list(value)


def check_operation(operation) -> None:
    known = registry.names()
    if operation not in known:
        raise AdminError(400, 'operation must be one of %s' % ', '.join(known))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_context=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        self.connections = set()
        self.connections_lock = threading.Lock()
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        # runs in the connection's own thread, so a slow TLS handshake never blocks accept()
        if self.ssl_context is not None:
            request = self.ssl_context.wrap_socket(request, server_side=True)
        with self.connections_lock:
            self.connections.add(request)
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            with self.connections_lock:
                self.connections.discard(request)
            if self.ssl_context is not None:
                request.close()

    def handle_error(self, request, client_address):
        if self.emulator.verbose:
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Emulator:
    """The JD Cloud Redis API emulator.

    ``Emulator(**options).start()`` serves in a background thread; ``url`` is then the
    endpoint to give clients; ``stop()`` ends it.  Options mirror the command-line flags.
    """

    def __init__(
        self,
        host: str = '127.0.0.1',
        port: int = 0,
        access_key: str = None,
        secret_key: str = None,
        credentials: dict | None = None,
        skew_seconds=900,
        verify_signatures: bool = True,
        create_delay: float = 0.0,
        resize_delay: float = 0.0,
        delete_delay: float = 0.0,
        config_delay: float = 0.0,
        backup_delay: float = 0.0,
        restore_delay: float = 0.0,
        upgrade_delay: float = 0.0,
        recycle_retention: float = 7 * 86400.0,
        quota: int = 20,
        seed: int = 0,
        seed_region: str = 'cn-north-1',
        state_file: str | None = None,
        error_rate: float = 0.0,
        throttle_rate: float = 0.0,
        retry_after: int = 1,
        latency_ms: float = 0.0,
        reset_rate: float = 0.0,
        drop_response_rate: float = 0.0,
        fault_operations: list | None = None,
        fault_seed: int | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        verbose: bool = False,
    ):
        if (access_key is None) != (secret_key is None):
            raise ValueError('access_key and secret_key must be given together')
        self.access_key = access_key or DEFAULT_ACCESS_KEY
        self.secret_key = secret_key or DEFAULT_SECRET_KEY
        self.credentials = {self.access_key: self.secret_key}
        self.credentials.update(credentials or {})
        if isinstance(quota, bool) or not isinstance(quota, int) or quota < 0:
            raise ValueError('quota must be a non-negative integer')
        if seed_region not in catalogue.REGIONS:
            raise ValueError('seed_region must be one of %s' % ', '.join(sorted(catalogue.REGIONS)))
        if (tls_cert is None) != (tls_key is None):
            raise ValueError('tls_cert and tls_key must be given together')
        self.initial_settings = RuntimeSettings()
        self.initial_settings.update(
            dict(
                create_delay=create_delay,
                resize_delay=resize_delay,
                delete_delay=delete_delay,
                config_delay=config_delay,
                backup_delay=backup_delay,
                restore_delay=restore_delay,
                upgrade_delay=upgrade_delay,
                recycle_retention=recycle_retention,
                skew_seconds=skew_seconds,
                verify_signatures=verify_signatures,
                error_rate=error_rate,
                throttle_rate=throttle_rate,
                retry_after=retry_after,
                latency_ms=latency_ms,
                reset_rate=reset_rate,
                drop_response_rate=drop_response_rate,
                fault_operations=fault_operations,
                fault_seed=fault_seed,
            )
        )
        self.settings = self.initial_settings.copy()
        self.settings_lock = threading.Lock()
        self.host, self.port = host, port
        self.verbose = verbose
        self.clock = Clock()
        self.store = Store(default_quota=quota, state_file=state_file, clock=self.clock)
        self.triggers = Triggers()
        self.faults = Faults(fault_seed)
        self.observer = Observer()
        self.churn = Churn()
        self.holds = Holds()
        self.seed_count, self.seed_region = seed, seed_region
        self.ssl_context = None
        if tls_cert:
            self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ssl_context.load_cert_chain(tls_cert, tls_key)
        self._server = None
        self._thread = None

    # ----------------------------------------------------------------- life
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError('the emulator is not started')
        host = self.host
        if host in ('', '0.0.0.0'):
            host = '127.0.0.1'
        elif host == '::':
            host = '::1'
        if ':' in host:
            host = '[%s]' % host
        return '%s://%s:%d' % ('https' if self.ssl_context else 'http', host, self._server.server_address[1])

    def start(self) -> Emulator:
        if self._server is not None:
            raise RuntimeError('the emulator is already started')
        if self.seed_count and not self.store.instances:  # a state file that already holds instances is not re-seeded
            self.store.seed(self.seed_count, self.seed_region, 'seed')
        self._server = _Server((self.host, self.port), self, self.ssl_context)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={'poll_interval': 0.1}, name='jdcloud-redis-emulator', daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ----------------------------------------------------------------- control
    def configure(self, **changes) -> dict:
        with self.settings_lock:
            new = self.settings.copy()
            new.update(changes)
            if 'fault_seed' in changes:
                self.faults.reseed(new.fault_seed)
            self.settings = new
            return new.to_dict()

    def reset(self, state: bool = False) -> None:
        with self.settings_lock:
            self.settings = self.initial_settings.copy()
            self.faults.reseed(self.initial_settings.fault_seed)
        self.observer.clear()
        self.churn.clear()
        self.triggers.clear()
        self.store.hold(())
        self.holds.release()
        if state:
            self.store.reset()
            self.clock.reset()

    def stats(self) -> dict:
        return self.observer.stats(self.store.count())

    def _admin_clock(self, data: dict) -> dict:
        check_members(data, ('advance', 'frozen', 'after'))
        advance, frozen = data.get('advance', 0), data.get('frozen')
        if isinstance(advance, bool) or not isinstance(advance, (int, float)) or not 0 <= advance < 10**9:
            raise AdminError(400, 'advance must be a non-negative number of seconds')
        if frozen is not None and not isinstance(frozen, bool):
            raise AdminError(400, 'frozen must be a boolean')
        after = parse_after(data.get('after'))

        def apply():
            if frozen is not None:
                self.clock.freeze(frozen)
            # transitions that fall due are settled by the next read, as with the machine's clock
            self.clock.advance(float(advance))

        if after is not None:
            return self.triggers.add(after, {'clock': {'advance': advance, 'frozen': frozen}}, apply)
        apply()
        return self.clock.status()

    def _hold_status(self) -> dict:
        return {
            'transitions': sorted(self.store.holding, key=TRANSITIONS.index),
            'held': self.store.held(),
            'scheduled': self.triggers.pending(),
        }

    def _force_later(self, instance_id: str, status: str) -> None:
        try:
            self.store.force_status(instance_id, status)
        except ApiError:  # gone meanwhile: nothing left to change
            pass

    def admin(self, method: str, path: str, data: dict) -> dict:
        """Handle one admin request (``path`` is decoded, ``data`` the JSON body)."""
        parts = path.strip('/').split('/')[1:]
        if method == 'GET' and parts == ['health']:
            return {'ok': True, 'version': VERSION}
        if method == 'GET' and parts == ['stats']:
            return self.stats()
        if method == 'GET' and parts == ['requests']:
            return {'requests': self.observer.requests()}
        if method == 'GET' and parts == ['config']:
            return self.settings.to_dict()
        if method == 'POST' and parts == ['config']:
            return self.configure(**data)
        if method == 'POST' and parts == ['reset']:
            state = data.get('state', False)
            if not isinstance(state, bool):
                raise AdminError(400, 'state must be a boolean')
            self.reset(state)
            return {'ok': True}
        if method == 'POST' and parts == ['seed']:
            count, region = data.get('count'), data.get('region', 'cn-north-1')
            prefix = data.get('name_prefix', 'seed')
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10000:
                raise AdminError(400, 'count must be an integer between 0 and 10000')
            if region not in catalogue.REGIONS:
                raise AdminError(400, 'unknown region %r' % (region,))
            if not isinstance(prefix, str) or not NAME_RE.match(prefix + '_00001'):
                raise AdminError(
                    400, 'name_prefix must make valid instance names (letters, digits, _; up to 26 characters)'
                )
            return {'ids': self.store.seed(count, region, prefix)}
        if method == 'POST' and parts == ['churn']:
            try:
                return self.churn.set(data)
            except ChurnError as exc:
                raise AdminError(400, str(exc)) from None
        if method == 'GET' and parts == ['churn']:
            return self.churn.status()
        if method == 'DELETE' and parts == ['churn']:
            self.churn.clear()
            return self.churn.status()
        if parts == ['clock'] and method in ('GET', 'POST'):
            return self._admin_clock(data if method == 'POST' else {})
        if method == 'GET' and parts == ['hold']:
            return self._hold_status()
        if method == 'POST' and parts == ['hold']:
            check_members(data, ('transitions',))
            self.store.hold(transitions(data, 'transitions', TRANSITIONS))
            return self._hold_status()
        if method == 'POST' and parts == ['release']:
            check_members(data, ('transitions', 'ids', 'after'))
            kinds = transitions(data, 'transitions', None)
            ids = data.get('ids')
            if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
                raise AdminError(400, 'ids must be a list of instance ids')
            after = parse_after(data.get('after'))
            if after is not None:
                description = {'release': {'transitions': kinds, 'ids': ids}}
                return self.triggers.add(after, description, lambda: self.store.release(kinds, ids))
            return {'released': self.store.release(kinds, ids)}
        if method == 'POST' and parts == ['hold-requests']:
            operation, count, skip = data.get('operation'), data.get('count', 1), data.get('skip', 0)
            check_operation(operation)
            for key, value in (('count', count), ('skip', skip)):
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
                    raise AdminError(400, '%s must be an integer between 0 and 1000' % key)
            return self.holds.hold(operation, count, skip)
        if method == 'GET' and parts == ['hold-requests']:
            return self.holds.status()
        if method == 'POST' and parts == ['hold-requests', 'wait']:
            check_members(data, ('operation', 'waiting', 'timeout'))
            operation, waiting, timeout = data.get('operation'), data.get('waiting', 1), data.get('timeout', 60)
            check_operation(operation)
            if isinstance(waiting, bool) or not isinstance(waiting, int) or not 1 <= waiting <= 1000:
                raise AdminError(400, 'waiting must be an integer between 1 and 1000')
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 <= timeout <= HOLD_MAX:
                raise AdminError(400, 'timeout must be a number of seconds between 0 and %g' % HOLD_MAX)
            if not self.holds.wait(operation, waiting, timeout):
                raise AdminError(
                    408, 'fewer than %d %s requests were held within %g seconds' % (waiting, operation, timeout)
                )
            return self.holds.status()
        if method == 'POST' and parts == ['release-requests']:
            operation, answer = data.get('operation'), data.get('answer')
            if operation is not None:
                check_operation(operation)
            if answer not in HOLD_ANSWERS:
                raise AdminError(400, 'answer must be null or "error"')
            return self.holds.release(operation, answer)
        if method == 'POST' and parts == ['status']:
            # by name, for an instance that a test cannot know the id of yet (one a module is about to create)
            check_members(data, ('name', 'status', 'after'))
            name, status = data.get('name'), data.get('status')
            if not isinstance(name, str) or not name:
                raise AdminError(400, 'name must be an instance name')
            if status not in STATUSES:
                raise AdminError(400, 'status must be one of %s' % ', '.join(STATUSES))
            after = parse_after(data.get('after'))
            if after is not None:
                description = {'status': {'name': name, 'status': status}}
                return self.triggers.add(after, description, lambda: self.store.force_status_named(name, status))
            return {'ids': self.store.force_status_named(name, status)}
        if method == 'POST' and parts == ['quota']:
            region, maximum = data.get('region', 'cn-north-1'), data.get('max')
            if region not in catalogue.REGIONS:
                raise AdminError(400, 'unknown region %r' % (region,))
            if isinstance(maximum, bool) or not isinstance(maximum, int) or maximum < 0:
                raise AdminError(400, 'max must be a non-negative integer')
            self.store.set_quota(region, maximum)
            return {'quota': self.store.quota(region)}
        if method == 'POST' and len(parts) == 3 and parts[0] == 'instances':
            instance_id, action = parts[1], parts[2]
            if action == 'status':
                check_members(data, ('status', 'after'))
                status = data.get('status')
                if status not in STATUSES:
                    raise AdminError(400, 'status must be one of %s' % ', '.join(STATUSES))
                after = parse_after(data.get('after'))
                if after is not None:
                    self.store.get_any(instance_id)  # an unknown id is refused now, not when the action runs
                    description = {'status': {'id': instance_id, 'status': status}}
                    return self.triggers.add(after, description, lambda: self._force_later(instance_id, status))
                self.store.force_status(instance_id, status)
                return {'ok': True}
            if action == 'expire':
                self.store.expire(instance_id)
                return {'ok': True}
            if action == 'tag-failure':
                message = data.get('message', '')
                if not isinstance(message, str):
                    raise AdminError(400, 'message must be a string')
                self.store.tags.set_failure(instance_id, message)
                return {'ok': True}
            if action == 'backups':
                count, prefix = data.get('count'), data.get('name_prefix', 'seeded')
                interval, auto = data.get('interval', 60), data.get('auto', False)
                if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10000:
                    raise AdminError(400, 'count must be an integer between 0 and 10000')
                if not isinstance(prefix, str) or not re.match(r'^[A-Za-z0-9_]{1,26}$', prefix):
                    raise AdminError(400, 'name_prefix must be 1-26 letters, digits or underscores')
                if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0:
                    raise AdminError(400, 'interval must be a positive number of seconds')
                if not isinstance(auto, bool):
                    raise AdminError(400, 'auto must be a boolean')
                return {'ids': self.store.backups.seed(instance_id, count, prefix, float(interval), auto)}
            if action == 'fail-next-backup':
                self.store.backups.fail_next(instance_id)
                return {'ok': True}
            if action == 'check-password':
                password = data.get('password', '')
                if not isinstance(password, str):
                    raise AdminError(400, 'password must be a string')
                return {'matches': self.store.check_password(instance_id, password)}
        answer = day2_admin.handle(self, method, parts, data)
        if answer is not None:
            return answer
        raise AdminError(404, 'no admin endpoint %s %s' % (method, path))
