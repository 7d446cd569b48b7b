"""Shared helpers of the reliability and security suites (tests/reliability).

Knobs (environment variables, used by ``scripts/soak`` for the long run):

* ``JDCLOUD_RELIABILITY_RUNS``: fault-suite runs as ``profile:seed`` items separated by commas,
  or ``N`` for seeds 1..N cycling through every profile (default: one run per profile).
* ``JDCLOUD_RELIABILITY_EXAMPLES``: hypothesis examples per module in the bad-input suite (default 25).
* ``JDCLOUD_RELIABILITY_REPORT``: write the figures as JSON to this file at the end of the session.
"""

from __future__ import annotations

import base64
import collections
import datetime
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus, unquote

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = (
    'jcs_redis_instance',
    'jcs_redis_info',
    'jcs_redis_quota',
    'jcs_redis_instance_class_info',
    'jcs_redis_whitelist',
    'jcs_redis_config',
    'jcs_redis_backup_policy',
    'jcs_redis_backup',
    'jcs_redis_backup_info',
    'jcs_redis_disabled_commands',
    'jcs_redis_tls',
)


# -- figures ---------------------------------------------------------------------------------------


class Figures:
    """Counters per suite, printed as tables by the terminal summary hook of conftest.py."""

    def __init__(self):
        self.lock = threading.Lock()
        self.suites = collections.OrderedDict()

    def add(self, suite, label, amount=1):
        with self.lock:
            table = self.suites.setdefault(suite, collections.OrderedDict())
            table[label] = table.get(label, 0) + amount

    def count(self, suite, label, counter):
        """Merge a Counter into a row shown as 'key n, key n'."""
        with self.lock:
            table = self.suites.setdefault(suite, collections.OrderedDict())
            table[label] = table.get(label) or collections.Counter()
            table[label].update(counter)

    def set(self, suite, label, value):
        with self.lock:
            self.suites.setdefault(suite, collections.OrderedDict())[label] = value

    def get(self, suite, label, default=0):
        return self.suites.get(suite, {}).get(label, default)

    def lines(self):
        out = []
        for suite, table in sorted(self.suites.items()):
            width = max(len(label) for label in table)
            out.append(suite)
            for label, value in table.items():
                if isinstance(value, collections.Counter):
                    value = ', '.join('%s %d' % item for item in sorted(value.items())) or '-'
                elif isinstance(value, float):
                    value = '%.1f' % value
                out.append('  %-*s  %s' % (width, label, value))
        return out

    def export(self):
        """The figures as (suite, label, is_counter, value) rows, which pytest-xdist can send."""
        return [
            [suite, label, isinstance(value, collections.Counter), dict(value) if isinstance(value, dict) else value]
            for suite, table in self.suites.items()
            for label, value in table.items()
        ]

    def merge(self, rows):
        """Adds a worker's export(): counters and whole numbers add up; any other value is taken as it is."""
        for suite, label, is_counter, value in rows:
            if is_counter:
                self.count(suite, label, collections.Counter(value))
            elif isinstance(value, int) and isinstance(self.get(suite, label, None), int):
                self.add(suite, label, value)
            else:
                self.set(suite, label, value)

    def write(self, path):
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(self.to_dict(), handle, indent=2, sort_keys=False)
            handle.write('\n')

    def to_dict(self):
        return {
            suite: {
                label: dict(value) if isinstance(value, collections.Counter) else value
                for label, value in table.items()
            }
            for suite, table in sorted(self.suites.items())
        }


FIGURES = Figures()


def env_int(name, default):
    value = os.environ.get(name, '').strip()
    return int(value) if value else default


# -- reading the request log ------------------------------------------------------------------------


def retries_in(entries):
    """Requests that answered with a fault and were then sent again (same method and path).

    The modules do not report their retries, so they are read from the emulator's request
    log: a faulted request followed later in the same task by the same call was retried,
    whether by the client's own retry loop or by the module after re-reading the state.
    """
    retried = 0
    for index, entry in enumerate(entries):
        faulted = entry.get('fault') is not None or entry.get('status') in (429, 500, 502, 503)
        if faulted and any(
            later['method'] == entry['method'] and later['path'] == entry['path'] for later in entries[index + 1 :]
        ):
            retried += 1
    return retried


def instance_id_of(path):
    """The instance id in an API path, e.g. /v1/regions/r/cacheInstance/redis-abc:action -> redis-abc."""
    parts = unquote(path).split('/cacheInstance/', 1)
    return parts[1].split(':', 1)[0].split('/', 1)[0] if len(parts) == 2 else None


# -- running modules and playbooks ------------------------------------------------------------------


def assert_clean_run(run, where=''):
    """A module run ended in JSON, without a traceback, with rc matching the result."""
    assert 'Traceback' not in run.stdout and 'Traceback' not in run.stderr, '%s: traceback\nstdout: %s\nstderr: %s' % (
        where,
        run.stdout[-3000:],
        run.stderr[-3000:],
    )
    assert not run.result.get('unparsed'), '%s: module printed no JSON\nstdout: %s\nstderr: %s' % (
        where,
        run.stdout[-3000:],
        run.stderr[-3000:],
    )
    assert (run.rc != 0) == run.failed, '%s: rc %s but failed=%s' % (where, run.rc, run.failed)
    if run.failed:
        assert run.result.get('msg'), '%s: failed without msg: %s' % (where, run.result)


def ansible_playbook():
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return candidate if os.path.exists(candidate) else shutil.which('ansible-playbook')


def run_playbook(playbook, workdir, inventory, extra_args=(), env=None, timeout=600):
    """Run ansible-playbook with the checkout as collection; returns the CompletedProcess."""
    tmp = os.path.join(workdir, 'ansible-tmp')
    os.makedirs(tmp, exist_ok=True)
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(('JDCLOUD_', 'ANSIBLE_'))}
    run_env.update(
        ANSIBLE_COLLECTIONS_PATH=os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'],
        ANSIBLE_LOCAL_TEMP=tmp,
        ANSIBLE_REMOTE_TEMP=tmp,
        ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        ANSIBLE_HOST_KEY_CHECKING='0',
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_DEPRECATION_WARNINGS='0',
        JDCLOUD_TEST_COLLECTIONS_PATH=os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'],
    )
    run_env.update(env or {})
    command = [ansible_playbook(), '-i', inventory, playbook] + list(extra_args)
    return subprocess.run(
        command, cwd=workdir, env=run_env, capture_output=True, text=True, timeout=timeout, check=False
    )


# -- secrets -----------------------------------------------------------------------------------------


def secret_forms(secret):
    """Every form in which a secret could leak into text: plain, JSON-escaped (both ASCII and
    UTF-8 escaping), URL-encoded (path and form style) and base64."""
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=''),
        quote(secret),
        quote_plus(secret),
        base64.b64encode(secret.encode('utf-8')).decode('ascii'),
    }
    return sorted(f for f in forms if f)


def find_secrets(blobs, secrets):
    """[(source, secret index, form)] for every secret form found in {source: text}."""
    hits = []
    for source, text in blobs.items():
        for index, secret in enumerate(secrets):
            for form in secret_forms(secret):
                if form in text:
                    hits.append((source, index, form if form != secret else '<plain>'))
    return hits


# -- TLS -----------------------------------------------------------------------------------------------


def make_certificate(directory, name, hosts=('127.0.0.1', 'localhost')):
    """A self-signed server certificate for ``hosts``; returns (cert_path, key_path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'jdcloud emulator test %s' % name)])
    alt_names = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        # a CA bundle of one self-signed certificate: it must be allowed to act as its own CA
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, name + '.crt')
    key_path = os.path.join(directory, name + '.key')
    with open(cert_path, 'wb') as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, 'wb') as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return cert_path, key_path


# -- a gateway that echoes what it receives ------------------------------------------------------------


class EchoGateway:
    """A stand-in for an API gateway that echoes the request in its error messages.

    Reads answer like the API (one existing instance named ``echo_existing``, one class, a
    quota) so that modules get as far as their write calls; every write is refused with a
    400 whose message and details carry the raw body, its URL-encoded form and the query,
    the way some gateways report "invalid parameter" errors.
    """

    INSTANCE = {
        'cacheInstanceId': 'redis-echo00000001',
        'cacheInstanceName': 'echo_existing',
        'cacheInstanceStatus': 'running',
        'cacheInstanceClass': 'redis.m.micro.basic',
        'cacheInstanceMemoryMB': 1024,
        'cacheInstanceType': 'master-slave',
        'cacheInstanceDescription': '',
        'redisVersion': '4.0',
        'vpcId': 'vpc-echo0001',
        'subnetId': 'subnet-echo0001',
        'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1b'},
        'charge': {'chargeMode': 'postpaid_by_duration'},
        'auth': True,
        'port': 6379,
    }

    def __init__(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                gateway.handle(self)

            do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True)
        self.thread.start()
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.writes = 0
        self.echoed = []

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request):
        length = int(request.headers.get('Content-Length') or 0)
        body = request.rfile.read(length).decode('utf-8', 'replace') if length else ''
        path, query = (request.path.split('?', 1) + [''])[:2]
        path = unquote(path)
        if request.command == 'GET':
            if path.endswith('/instanceClass'):
                result = {
                    'instanceClasses': [
                        {'instanceClass': 'redis.m.micro.basic', 'instanceType': 'master-slave', 'memoryMB': 1024}
                    ],
                    'totalCount': 1,
                }
            elif path.endswith('/quota'):
                result = {'quota': {'name': 'redis', 'max': 20, 'used': 1}}
            elif '/cacheInstance/' in path:
                if path.endswith(self.INSTANCE['cacheInstanceId']):
                    result = {'cacheInstance': self.INSTANCE}
                else:
                    return self.reply(
                        request, 404, {'error': {'code': 404, 'status': 'NOT_FOUND', 'message': 'not found: %s' % path}}
                    )
            else:
                listed = [self.INSTANCE] if 'echo_existing' in unquote(query) else []
                result = {'cacheInstances': listed, 'totalCount': len(listed)}
            return self.reply(request, 200, {'result': result})
        self.writes += 1
        message = 'invalid request %s %s?%s body=%s form=%s' % (
            request.command,
            path,
            unquote(query),
            body,
            quote(body, safe=''),
        )
        self.echoed.append(message)
        return self.reply(
            request,
            400,
            {
                'error': {
                    'code': 400,
                    'status': 'INVALID_ARGUMENT',
                    'message': message,
                    'details': [{'body': body, 'query': query}],
                }
            },
        )

    @staticmethod
    def reply(request, status, payload):
        payload['requestId'] = 'echo0000000000000000000000000001'
        data = json.dumps(payload).encode('utf-8')
        request.send_response(status)
        request.send_header('Content-Type', 'application/json')
        request.send_header('Content-Length', str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def warning_texts(result):
    """The warnings of a module result as text (ansible-core 2.19 returns them as dicts)."""
    texts = []
    for warning in result.get('warnings') or []:
        if isinstance(warning, dict):
            warning = (warning.get('event') or {}).get('msg') or warning.get('msg') or json.dumps(warning)
        texts.append(str(warning))
    return texts


class ConnectionCounter:
    """A TCP relay in front of a server that counts the connections clients open.

    TLS failures happen before any HTTP request, so the emulator's request log cannot show
    whether a client retried them; the number of connections can.
    """

    def __init__(self, target_port):
        self.target_port = target_port
        self.connections = 0
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                client = self.listener.accept()[0]
            except OSError:
                return
            with self.lock:
                self.connections += 1
            try:
                upstream = socket.create_connection(('127.0.0.1', self.target_port))
            except OSError:
                client.close()
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        self.running = False
        self.listener.close()
