"""The one-command start: ``python -m jdcloud_redis_emulator``."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
import sigv
from emu_helpers import create_body
from jdcloud_redis_emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, AdminClient

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'emulator')
LINE_RE = re.compile(r'^JDCLOUD_ENDPOINT=(https?://127\.0\.0\.1:(\d+))$')


class Running:
    def __init__(self, *args):
        env = dict(os.environ)
        env['PYTHONPATH'] = EMULATOR_DIR + os.pathsep + env.get('PYTHONPATH', '')
        command = [sys.executable, '-m', 'jdcloud_redis_emulator', '--port', '0'] + list(args)
        # the process lives until stop() or the fixture's cleanup
        # pylint: disable-next=consider-using-with
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.proc.stdout], daemon=True).start()
        self.lines = lines
        self.first_line = lines.get(timeout=10).rstrip('\n')
        match = LINE_RE.match(self.first_line)
        assert match, self.first_line
        self.url = match.group(1)

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        code = self.proc.wait(5)
        stderr = self.proc.stderr.read()
        self.proc.stderr.close()
        self.proc.stdout.close()
        return code, stderr


@pytest.fixture
def start():
    running = []

    def run(*args):
        running.append(Running(*args))
        return running[-1]

    yield run
    for item in running:
        if item.proc.poll() is None:
            item.proc.kill()
            item.proc.wait(5)


def _quota(url, ak=DEFAULT_ACCESS_KEY, sk=DEFAULT_SECRET_KEY, region='cn-north-1'):
    client = sigv.Client(url, ak, sk)
    try:
        return client.call('GET', '/regions/%s/quota' % region, region)
    finally:
        client.close()


def test_prints_endpoint_and_stops_on_sigterm(start):
    # How fast it starts is a figure printed by emulator/bench.py, not asserted here.
    emu = start()
    assert _quota(emu.url).status == 200
    code, stderr = emu.stop()
    assert code == 0 and 'listening on ' + emu.url in stderr
    assert emu.lines.empty()  # exactly one line on stdout


def test_stops_on_sigint(start):
    emu = start()
    assert emu.stop(signal.SIGINT)[0] == 0


def test_credentials_flags(start, tmp_path):
    emu = start('--access-key', 'MYAK', '--secret-key', 'MYSK')
    assert _quota(emu.url, 'MYAK', 'MYSK').status == 200
    assert _quota(emu.url).status == 401
    creds = tmp_path / 'creds.json'
    creds.write_text(json.dumps({'OTHERAK': 'OTHERSK'}))
    emu = start('--credentials', str(creds))
    assert _quota(emu.url, 'OTHERAK', 'OTHERSK').status == 200 and _quota(emu.url).status == 200


def test_state_and_behaviour_flags(start, tmp_path):
    state = str(tmp_path / 'state.json')
    emu = start(
        '--seed',
        '15',
        '--seed-region',
        'cn-east-2',
        '--quota',
        '3',
        '--no-verify',
        '--state-file',
        state,
        '--create-delay',
        '5',
        '--skew-seconds',
        '0',
    )
    assert _quota(emu.url, 'anyone', 'anything', 'cn-east-2').result['quota'] == {
        'name': '缓存Redis',
        'max': 3,
        'used': 15,
    }
    client = sigv.Client(emu.url, 'x', 'y')
    resp = client.call('POST', '/regions/cn-north-1/cacheInstance', body=create_body())
    inst = client.call('GET', '/regions/cn-north-1/cacheInstance/' + resp.result['cacheInstanceId']).result[
        'cacheInstance'
    ]
    assert inst['cacheInstanceStatus'] == 'creating'
    client.close()
    emu.stop()
    with open(state, encoding='utf-8') as handle:
        assert len(json.load(handle)['instances']) == 16


def test_fault_flags(start):
    emu = start(
        '--error-rate', '1', '--fault-seed', '3', '--fault-operations', 'describeUserQuota', '--latency-ms', '100'
    )
    begin = time.monotonic()
    assert _quota(emu.url).status in (500, 502, 503)
    assert time.monotonic() - begin >= 0.1
    admin = AdminClient(emu.url)
    assert admin.stats()['faults'] == {'error': 1}
    settings = admin.config()
    assert (settings['fault_seed'], settings['fault_operations'], settings['latency_ms']) == (
        3,
        ['describeUserQuota'],
        100,
    )
    emu2 = start('--throttle-rate', '1', '--retry-after', '4')
    resp = _quota(emu2.url)
    assert resp.status == 429 and resp.headers['retry-after'] == '4'
    emu3 = start('--reset-rate', '1')
    with pytest.raises(ConnectionResetError):
        _quota(emu3.url)
    emu4 = start('--drop-response-rate', '1')
    assert _quota(emu4.url).status == 200  # reads are never dropped


@pytest.mark.parametrize(
    'args',
    [
        ['--error-rate', '2'],
        ['--fault-operations', 'nope'],
        ['--access-key', 'only'],
        ['--port', 'x'],
        ['--seed-region', 'mars-1'],
    ],
)
def test_bad_flags_exit_2(args):
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    proc = subprocess.run(
        [sys.executable, '-m', 'jdcloud_redis_emulator'] + args,
        capture_output=True,
        text=True,
        env=env,
        timeout=10,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == '' and 'error' in proc.stderr


def test_tls(start, tmp_path):
    cert, key = str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem')
    subprocess.run(
        [
            'openssl',
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    emu = start('--tls-cert', cert, '--tls-key', key)
    assert emu.url.startswith('https://')
    url = emu.url + '/v1/regions/cn-north-1/quota'
    headers = sigv.signed_headers('GET', url, b'', DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, 'cn-north-1')
    resp = requests.get(url, headers=headers, verify=cert, timeout=10)
    assert resp.status_code == 200 and resp.json()['result']['quota']['max'] == 20
    assert AdminClient(emu.url).health()['ok'] is True
