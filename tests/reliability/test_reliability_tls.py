"""TLS: the emulator serves HTTPS with a throw-away self-signed certificate.

Modules must refuse it by default with a message that says what is wrong with the
certificate, accept it with ``validate_certs: false`` or with the certificate as ``ca_path``,
and warn when an ``http://`` endpoint is not on the loopback interface.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from emulator_fixtures import RunningEmulator
from modrunner import run_module
from reliability_support import (
    FIGURES,
    ConnectionCounter,
    assert_clean_run,
    make_certificate,
    warning_texts,
)

SUITE = '4. TLS'
PASSWORD = 'Tls1Passw0rd'


@pytest.fixture(scope='module')
def tls(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp('tls'))
    cert, key = make_certificate(directory, 'emulator')
    other = make_certificate(directory, 'other')[0]
    localhost_cert, localhost_key = make_certificate(directory, 'localhost-only', hosts=('localhost',))
    emu = RunningEmulator(tls_cert=cert, tls_key=key)
    named = RunningEmulator(tls_cert=localhost_cert, tls_key=localhost_key)
    try:
        yield SimpleNamespace(
            emu=emu, cert=cert, other=other, named=named, localhost_cert=localhost_cert, directory=directory
        )
    finally:
        emu.stop()
        named.stop()


def quota(emu, **extra):
    """jcs_redis_quota through a relay that counts the connections it opens (run.connections)."""
    port = int(emu.url.rsplit(':', 1)[1])
    relay = ConnectionCounter(port)
    extra.setdefault('endpoint', emu.url)
    extra['endpoint'] = extra['endpoint'].replace(':%d' % port, ':%d' % relay.port)
    try:
        run = run_module('jcs_redis_quota', emu.connection(**extra))
    finally:
        relay.stop()
    assert_clean_run(run, 'jcs_redis_quota %s' % extra)
    run.connections = relay.connections
    FIGURES.add(SUITE, 'module runs over HTTPS' if emu.url.startswith('https') else 'module runs over HTTP')
    return run


def assert_certificate_refused(run, emu, *words):
    assert run.failed, run.result
    msg = run.result['msg']
    assert 'certificate' in msg.lower(), msg
    for word in words:
        assert word in msg, msg
    assert run.result['error']['status'] == 'CONNECTION_ERROR', run.result
    # refused during the handshake: no API request reached the emulator, and it was not retried
    assert emu.admin.stats()['total_calls'] == 0
    assert run.connections == 1, 'a certificate failure was retried (%d connections)' % run.connections
    FIGURES.add(SUITE, 'refused with a certificate message')


def test_emulator_serves_https(tls):
    assert tls.emu.url.startswith('https://127.0.0.1:')


def test_self_signed_certificate_is_refused_by_default(tls):
    tls.emu.admin.reset(state=True)
    run = quota(tls.emu)
    assert_certificate_refused(run, tls.emu, 'self-signed')


def test_validate_certs_false_accepts_it(tls):
    run = quota(tls.emu, validate_certs=False)
    assert not run.failed, run.result
    assert run.result['quota']['max'] == 20


def test_ca_path_accepts_it_for_the_whole_lifecycle(tls):
    tls.emu.admin.reset(state=True)
    conn = tls.emu.connection(ca_path=tls.cert)
    create = run_module('jcs_redis_instance', tls.emu.instance_args('tls_one', ca_path=tls.cert, password=PASSWORD))
    assert_clean_run(create, 'create over TLS')
    assert not create.failed and create.changed, create.result
    info = run_module('jcs_redis_info', dict(conn, name='tls_one'))
    assert [i['id'] for i in info.result['instances']] == [create.result['instance']['id']], info.result
    delete = run_module('jcs_redis_instance', dict(conn, name='tls_one', state='absent'))
    assert not delete.failed and delete.changed, delete.result
    assert tls.emu.instances() == {}
    FIGURES.add(SUITE, 'module runs over HTTPS', 3)


def test_ca_path_of_another_certificate_is_refused(tls):
    tls.emu.admin.reset(state=True)
    run = quota(tls.emu, ca_path=tls.other)
    assert_certificate_refused(run, tls.emu)


def test_certificate_for_another_host_is_refused(tls):
    # the certificate names only "localhost"; the endpoint says 127.0.0.1
    tls.named.admin.reset(state=True)
    run = quota(tls.named, ca_path=tls.localhost_cert)
    assert_certificate_refused(run, tls.named, '127.0.0.1')
    assert 'mismatch' in run.result['msg'] or 'not valid for' in run.result['msg'], run.result['msg']
    by_name = quota(tls.named, ca_path=tls.localhost_cert, endpoint=tls.named.url.replace('127.0.0.1', 'localhost'))
    assert not by_name.failed, by_name.result


def test_missing_ca_path_is_named_without_contacting_the_api(tls):
    tls.emu.admin.reset(state=True)
    missing = os.path.join(tls.directory, 'no-such-bundle.pem')
    run = quota(tls.emu, ca_path=missing)
    assert run.failed, run.result
    assert 'ca_path' in run.result['msg'], run.result['msg']
    assert run.connections == 0, (
        'the API was contacted (%d connections) with a CA bundle that does not exist' % run.connections
    )


@pytest.mark.parametrize('host', ['127.0.0.1', 'localhost'])
def test_loopback_http_endpoint_gets_no_warning(emu, host):
    run = quota(emu, endpoint=emu.url.replace('127.0.0.1', host))
    assert not run.failed, run.result
    assert not [w for w in warning_texts(run.result) if 'HTTP' in w], run.result.get('warnings')


def test_plain_http_endpoint_off_loopback_gets_a_warning(emu):
    # The emulator doubles as the HTTP proxy, so the request for a host that is not loopback
    # (and cannot resolve: .invalid) still ends on 127.0.0.1 and nothing leaves this machine.
    proxy = dict(HTTP_PROXY=emu.url, http_proxy=emu.url, NO_PROXY='', no_proxy='')
    run = run_module('jcs_redis_quota', emu.connection(endpoint='http://redis.example.invalid'), env=proxy)
    assert_clean_run(run, 'plain http endpoint')
    assert not run.failed, run.result
    warnings = [w for w in warning_texts(run.result) if 'http://redis.example.invalid' in w]
    assert warnings and 'not encrypted' in warnings[0], run.result.get('warnings')
    assert emu.admin.stats()['calls']['describeUserQuota'] == 1
    FIGURES.add(SUITE, 'plain-HTTP warnings checked (off loopback / loopback)', 1)
