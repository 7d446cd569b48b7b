"""Benchmark the emulator: start-up time and the time to serve one describeCacheInstances page of 100.

    python3 emulator/bench.py [--instances 1000] [--requests 50]

Prints figures only; nothing is asserted.  Requests are signed (JDCLOUD2) and verified, as in real use.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
from jdcloud_redis_emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, AdminClient, Emulator  # noqa: E402
from jdcloud_redis_emulator.signing import canonical_query, canonical_uri, payload_hash, signing_key  # noqa: E402


def sign(method, host, path, query, region):
    date = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    headers = {'content-type': 'application/json', 'host': host, 'x-jdcloud-date': date, 'x-jdcloud-nonce': str(uuid.uuid4())}
    names = sorted(headers)
    creq = '\n'.join([method, canonical_uri(path), canonical_query(query), ''.join('%s:%s\n' % (n, headers[n]) for n in names),
                      ';'.join(names), payload_hash(b'')])
    scope = '%s/%s/redis/jdcloud2_request' % (date[:8], region)
    sts = '\n'.join(['JDCLOUD2-HMAC-SHA256', date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    sig = hmac.new(signing_key('JDCLOUD2', DEFAULT_SECRET_KEY, date[:8], region, 'redis'), sts.encode(), hashlib.sha256).hexdigest()
    headers['authorization'] = 'JDCLOUD2-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s' % (
        DEFAULT_ACCESS_KEY, scope, ';'.join(names), sig)
    del headers['host']
    return headers


def cli_startup(runs):
    times = []
    env = dict(os.environ, PYTHONPATH=HERE + os.pathsep + os.environ.get('PYTHONPATH', ''))
    for dummy in range(runs):
        start = time.perf_counter()
        with subprocess.Popen([sys.executable, '-m', 'jdcloud_redis_emulator', '--port', '0'], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env=env, text=True) as proc:
            line = proc.stdout.readline()
            times.append(time.perf_counter() - start)
            proc.terminate()
        assert line.startswith('JDCLOUD_ENDPOINT='), line
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--instances', type=int, default=1000, help='instances seeded in cn-north-1 (default 1000)')
    parser.add_argument('--requests', type=int, default=50, help='timed list requests (default 50)')
    parser.add_argument('--startups', type=int, default=5, help='timed command-line start-ups (default 5)')
    args = parser.parse_args()

    startups = cli_startup(args.startups)
    print('command-line start-up to the JDCLOUD_ENDPOINT line: median %.1f ms, max %.1f ms (%d runs)'
          % (statistics.median(startups) * 1000, max(startups) * 1000, len(startups)))

    start = time.perf_counter()
    emulator = Emulator(port=0).start()
    print('in-process Emulator().start(): %.1f ms' % ((time.perf_counter() - start) * 1000))
    try:
        AdminClient(emulator.url).seed(args.instances, 'cn-north-1', 'bench')
        host = emulator.url.split('://', 1)[1]
        conn = http.client.HTTPConnection(*host.split(':'))
        path, query = '/v1/regions/cn-north-1/cacheInstance', 'pageNumber=2&pageSize=100&sorts.1.name=totalMemory&sorts.1.direction=desc'
        times = []
        for dummy in range(args.requests + 3):
            headers = sign('GET', host, path, query, 'cn-north-1')
            begin = time.perf_counter()
            conn.request('GET', path + '?' + query, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            times.append(time.perf_counter() - begin)
            assert resp.status == 200 and len(json.loads(body)['result']['cacheInstances']) == 100, body[:200]
        times = times[3:]   # the first requests warm up the connection and caches
        p90 = sorted(times)[int(len(times) * 0.9) - 1]
        print('describeCacheInstances, page of 100 out of %d (signed, sorted, keep-alive): median %.2f ms, p90 %.2f ms, '
              'max %.2f ms (%d requests, %d bytes)'
              % (args.instances, statistics.median(times) * 1000, p90 * 1000, max(times) * 1000, len(times), len(body)))
        conn.close()
    finally:
        emulator.stop()


if __name__ == '__main__':
    main()
