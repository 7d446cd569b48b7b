"""Benchmark the emulator: start-up time, the cost of one describeCacheInstances page of 100, and a whole listing.

    python3 emulator/bench.py [--instances 1000] [--requests 50] [--query NAME ...] [--concurrency 8] [--latency-ms 50]

Prints figures only; nothing is asserted but the shape of the answers.  Requests are signed (JDCLOUD2)
and verified, as in real use.  Per page it prints the wall time seen by a client on one keep-alive
connection and the CPU the server spent on it (the process's CPU time less the client thread's: the
emulator runs in this process for that part).  The listing part starts the emulator as its own process,
as the collection's benchmark does, and fetches every page of the default query with concurrent clients.

A checkout tool (not in the built collection): the emulators come from the emulator's launcher
(jdcloud_redis_emulator.testing) and the signatures from the tests' signer (tests/emulator/sigv.py, which
is the official jdcloud-sdk's), so run it with the test requirements installed (tests/requirements-test.txt).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(os.path.dirname(HERE), 'tests')
sys.path[:0] = [HERE, TESTS, os.path.join(TESTS, 'emulator')]

# pylint: disable=wrong-import-position
import sigv  # noqa: E402
from jdcloud_redis_emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, testing  # noqa: E402

REGION = 'cn-north-1'
LIST_PATH = '/v1/regions/%s/cacheInstance' % REGION
PAGE_SIZE = 100
# name -> (description, query without paging).  'renamed' and 'created' change the region before each
# page (untimed), so that every page has to rebuild what the emulator memoises for an unchanged region:
# a rename invalidates filtered results, a new instance the sorted list too
QUERIES = {
    'default': ('default order', ''),
    'memory': ('sorted by totalMemory desc', 'sorts.1.name=totalMemory&sorts.1.direction=desc'),
    'status': ('status filter', 'filters.1.name=cacheInstanceStatus&filters.1.values.1=running'),
    'name': ('name filter', 'filters.1.name=cacheInstanceName&filters.1.values.1=bench_0'),
    'renamed': (
        'status filter, a rename before each page',
        'filters.1.name=cacheInstanceStatus&filters.1.values.1=running',
    ),
    'created': ('default order, a create before each page', ''),
}
CREATE_BODY = {
    'cacheInstance': {
        'vpcId': 'vpc-bench0001',
        'subnetId': 'subnet-bench0001',
        'cacheInstanceName': 'bench_created',
        'cacheInstanceClass': 'redis.m.micro.basic',
        'redisVersion': '4.0',
        'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1b'},
    },
    'charge': {'chargeMode': 'postpaid_by_duration'},
}


def call(conn, host, method, path, query='', body=b''):
    conn.request(
        method,
        path + ('?' + query if query else ''),
        body=body or None,
        headers=sigv.signed_headers(
            method,
            'http://%s%s%s' % (host, path, '?' + query if query else ''),
            body,
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            REGION,
        ),
    )
    resp = conn.getresponse()
    data = resp.read()
    assert resp.status == 200, data[:300]
    return json.loads(data), len(data)


def page_query(base, page):
    return '&'.join(q for q in ('pageNumber=%d&pageSize=%d' % (page, PAGE_SIZE), base) if q)


def cli_startup(runs):
    times = []
    env = dict(os.environ, PYTHONPATH=HERE + os.pathsep + os.environ.get('PYTHONPATH', ''))
    for _dummy in range(runs):
        start = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, '-m', 'jdcloud_redis_emulator', '--port', '0'],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        ) as proc:
            line = proc.stdout.readline()
            times.append(time.perf_counter() - start)
            proc.terminate()
        assert line.startswith('JDCLOUD_ENDPOINT='), line
    return times


def time_pages(url, name, instances, requests, victim):
    """Wall time and server CPU per page of one query, sequential requests on one keep-alive connection."""
    label, base = QUERIES[name]
    host = url.split('://', 1)[1]
    conn = http.client.HTTPConnection(*host.split(':'))
    first, dummy = call(conn, host, 'GET', LIST_PATH, page_query(base, 1))
    total = first['result']['totalCount']
    page = max(1, math.ceil(total / PAGE_SIZE) // 2)  # a page from the middle, not the cheap first one
    query = page_query(base, page)
    walls, cpus = [], []
    for index in range(requests + 3):
        if name == 'renamed':
            body = json.dumps({'cacheInstanceName': 'bench_renamed_%d' % index}).encode()
            call(conn, host, 'PATCH', '%s/%s' % (LIST_PATH, victim), body=body)
        elif name == 'created':
            call(conn, host, 'POST', LIST_PATH, body=json.dumps(CREATE_BODY).encode())
            total += 1
        cpu_all, cpu_client = time.process_time(), time.thread_time()
        begin = time.perf_counter()
        data, size = call(conn, host, 'GET', LIST_PATH, query)
        walls.append(time.perf_counter() - begin)
        # this process runs the server threads as well: its CPU time less this (client) thread's is the server's
        cpus.append((time.process_time() - cpu_all) - (time.thread_time() - cpu_client))
        expected = min(PAGE_SIZE, total - (page - 1) * PAGE_SIZE)
        assert len(data['result']['cacheInstances']) == expected and data['result']['totalCount'] == total, data[
            'result'
        ]['totalCount']
    conn.close()
    walls, cpus = walls[3:], cpus[3:]  # the first requests warm up the connection and caches
    p90 = sorted(walls)[int(len(walls) * 0.9) - 1]
    print(
        'describeCacheInstances, %s, page %d of 100 out of %d matching (%d instances; signed, keep-alive): '
        'median %.2f ms, p90 %.2f ms, max %.2f ms; server CPU median %.2f ms (%d requests, %d bytes)'
        % (
            label,
            page,
            total,
            instances,
            statistics.median(walls) * 1000,
            p90 * 1000,
            max(walls) * 1000,
            statistics.median(cpus) * 1000,
            len(walls),
            size,
        )
    )


def time_listing(instances, concurrency, latency_ms):
    """Every page of the default query: page 1 alone (it tells the total), then the rest over N connections."""
    flags = dict(seed=instances, quota=instances + 1, latency_ms=latency_ms)
    with testing.emulator(process=True, **flags) as emulator:
        host = emulator.url.split('://', 1)[1]
        seen, lock = [], threading.Lock()
        begin = time.perf_counter()
        conn = http.client.HTTPConnection(*host.split(':'))
        first, dummy = call(conn, host, 'GET', LIST_PATH, page_query('', 1))
        pages = list(range(2, math.ceil(first['result']['totalCount'] / PAGE_SIZE) + 1))
        seen.extend(i['cacheInstanceId'] for i in first['result']['cacheInstances'])

        def worker(connection):
            while True:
                with lock:
                    if not pages:
                        return
                    number = pages.pop(0)
                data, dummy = call(connection, host, 'GET', LIST_PATH, page_query('', number))
                with lock:
                    seen.extend(i['cacheInstanceId'] for i in data['result']['cacheInstances'])

        threads = [
            threading.Thread(target=worker, args=(conn if n == 0 else http.client.HTTPConnection(*host.split(':')),))
            for n in range(concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - begin
    assert len(seen) == len(set(seen)) == instances, (len(seen), len(set(seen)))
    count = math.ceil(instances / PAGE_SIZE)
    floor = (1 + math.ceil((count - 1) / concurrency)) * latency_ms / 1000.0
    print(
        'listing all %d instances (%d pages of 100; page 1, then %d connections; %g ms latency; emulator in its own process): '
        '%.3f s (latency alone: %.3f s)' % (instances, count, concurrency, latency_ms, wall, floor)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--instances', type=int, default=1000, help='instances seeded in cn-north-1 (default 1000)')
    parser.add_argument('--requests', type=int, default=50, help='timed list requests per query (default 50)')
    parser.add_argument(
        '--startups', type=int, default=5, help='timed command-line start-ups (default 5; 0 skips them)'
    )
    parser.add_argument(
        '--query',
        action='append',
        choices=sorted(QUERIES),
        help='page queries to time, repeatable: %s (default: all)'
        % '; '.join('%s = %s' % (k, v[0]) for k, v in QUERIES.items()),
    )
    parser.add_argument(
        '--concurrency', type=int, default=8, help='connections of the whole-listing run (default 8; 0 skips it)'
    )
    parser.add_argument(
        '--latency-ms', type=float, default=50, help='emulator latency in the whole-listing run (default 50)'
    )
    args = parser.parse_args()

    if args.startups:
        startups = cli_startup(args.startups)
        print(
            'command-line start-up to the JDCLOUD_ENDPOINT line: median %.1f ms, max %.1f ms (%d runs)'
            % (statistics.median(startups) * 1000, max(startups) * 1000, len(startups))
        )

    start = time.perf_counter()
    with testing.emulator() as emulator:
        print('in-process emulator start: %.1f ms' % ((time.perf_counter() - start) * 1000))
        admin = emulator.admin
        start = time.perf_counter()
        ids = admin.seed(args.instances, REGION, 'bench')
        admin.set_quota(REGION, args.instances + 2 * args.requests + 10)  # room for the 'created' query
        print('seeding %d instances: %.1f ms' % (args.instances, (time.perf_counter() - start) * 1000))
        for name in args.query or list(QUERIES):
            time_pages(emulator.url, name, args.instances, args.requests, ids[0])
    if args.concurrency:
        time_listing(args.instances, args.concurrency, args.latency_ms)


if __name__ == '__main__':
    main()
