"""Request bodies and small helpers shared by the emulator tests."""

from __future__ import annotations

import copy
import re

ID_RE = re.compile(r'^redis-[a-z0-9]{12}$')
REQUEST_ID_RE = re.compile(r'^[a-z0-9]{32}$')
PASSWORD = 'Passw0rd1234'

_BASE = {
    'cacheInstance': {
        'vpcId': 'vpc-aaaa1111',
        'subnetId': 'subnet-bbbb2222',
        'cacheInstanceName': 'my_redis',
        'cacheInstanceClass': 'redis.m.micro.basic',
        'password': PASSWORD,
        'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1b'},
        'redisVersion': '4.0',
    },
    'charge': {'chargeMode': 'postpaid_by_duration'},
}


def create_body(region='cn-north-1', charge=None, **fields):
    """A valid createCacheInstance body; keyword arguments replace cacheInstance fields (None removes one)."""
    body = copy.deepcopy(_BASE)
    spec = body['cacheInstance']
    if region != 'cn-north-1':
        spec['azId'] = {'master': region + 'a', 'slave': region + 'b'}
    for key, value in fields.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    if charge is not None:
        body['charge'] = charge
    return body
