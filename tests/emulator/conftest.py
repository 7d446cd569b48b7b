"""Fixtures for the emulator tests (the emulator itself comes from tests/emulator_fixtures.py)."""

from __future__ import annotations

import pytest
import requests
import sigv
from emu_helpers import create_body


@pytest.fixture
def api(emulator):
    """A signing client (JDCLOUD2, like the Go SDK) on one keep-alive connection."""
    client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
    yield client
    client.close()


@pytest.fixture
def make_instance(api):
    """Create an instance and return its id; fails the test if the emulator refuses."""

    def make(region='cn-north-1', charge=None, **fields):
        resp = api.call(
            'POST', '/regions/%s/cacheInstance' % region, region, body=create_body(region, charge, **fields)
        )
        assert resp.status == 200, resp
        return resp.result['cacheInstanceId']

    return make


@pytest.fixture
def get_instance(api):
    def get(instance_id, region='cn-north-1'):
        resp = api.call('GET', '/regions/%s/cacheInstance/%s' % (region, instance_id), region)
        assert resp.status == 200, resp
        return resp.result['cacheInstance']

    return get


def _untouched(method, url, data, headers):
    return method, url, data, headers


@pytest.fixture
def wire(monkeypatch):
    """Records what the SDK puts on the wire, and lets a test alter a request after it was signed."""
    real = requests.request
    state = {'sent': [], 'tamper': _untouched, 'untouched': _untouched}

    def spy(method, url, data=None, headers=None, timeout=None):
        method, url, data, headers = state['tamper'](method, url, data, dict(headers))
        state['sent'].append({'method': method, 'url': url, 'body': data, 'headers': dict(headers)})
        return real(method, url, data=data, headers=headers, timeout=timeout)

    monkeypatch.setattr(requests, 'request', spy)
    return state
