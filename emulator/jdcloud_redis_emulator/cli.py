"""Command line: start the emulator, print ``JDCLOUD_ENDPOINT=<url>`` once listening, serve until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from . import catalogue, registry
from .server import Emulator
from .settings import VERSION


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError('must be between 0 and 1')
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError('must not be negative')
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='python -m jdcloud_redis_emulator',
        description='Local emulator of the JD Cloud Redis (JCS for Redis) v1 API. Prints JDCLOUD_ENDPOINT=<url> '
        'on stdout once it listens; everything else goes to stderr.',
    )
    parser.add_argument('--version', action='version', version=VERSION)
    net = parser.add_argument_group('network')
    net.add_argument('--host', default='127.0.0.1', help='address to bind (default 127.0.0.1)')
    net.add_argument('--port', type=int, default=0, help='port to bind; 0 picks a free one (default 0)')
    net.add_argument('--tls-cert', help='PEM certificate: serve HTTPS instead of HTTP')
    net.add_argument('--tls-key', help='PEM private key for --tls-cert')
    auth = parser.add_argument_group('credentials and signatures')
    auth.add_argument('--access-key', help='access key accepted (default: the documented test key)')
    auth.add_argument('--secret-key', help='secret key for --access-key')
    auth.add_argument(
        '--credentials', metavar='FILE', help='JSON file {"ACCESS_KEY": "SECRET_KEY", ...} of extra key pairs'
    )
    auth.add_argument(
        '--skew-seconds',
        type=_non_negative,
        default=900,
        help='allowed clock skew of x-jdcloud-date in seconds; 0 disables the check (default 900)',
    )
    auth.add_argument('--no-verify', action='store_true', help='accept requests without checking signatures')
    life = parser.add_argument_group('state and lifecycle')
    life.add_argument(
        '--create-delay', type=_non_negative, default=0.0, help='seconds in creating before running (default 0)'
    )
    life.add_argument(
        '--resize-delay', type=_non_negative, default=0.0, help='seconds in changing before running (default 0)'
    )
    life.add_argument(
        '--delete-delay', type=_non_negative, default=0.0, help='seconds in deleting before gone (default 0)'
    )
    life.add_argument(
        '--config-delay',
        type=_non_negative,
        default=0.0,
        help='seconds in configuring before running after a parameter change (default 0)',
    )
    life.add_argument(
        '--backup-delay',
        type=_non_negative,
        default=0.0,
        help='seconds a backup runs before it succeeds (or fails, see the admin endpoint) (default 0)',
    )
    life.add_argument(
        '--restore-delay', type=_non_negative, default=0.0, help='seconds in restoring before running (default 0)'
    )
    life.add_argument(
        '--upgrade-delay',
        type=_non_negative,
        default=0.0,
        help='seconds in upgrading before running after modifyInstanceMinorVersion (default 0)',
    )
    life.add_argument(
        '--recycle-retention',
        type=_non_negative,
        default=7 * 86400.0,
        help='seconds a deleted instance stays in the recycle bin; 0 destroys it at once (default 604800, 7 days)',
    )
    life.add_argument('--quota', type=int, default=20, help='instance quota per region (default 20)')
    life.add_argument(
        '--seed', type=int, default=0, metavar='N', help='start with N running instances (only if the state is empty)'
    )
    life.add_argument(
        '--seed-region', default='cn-north-1', choices=sorted(catalogue.REGIONS), help='region for --seed'
    )
    life.add_argument('--state-file', help='JSON file loaded at start and saved after every change')
    faults = parser.add_argument_group('fault injection (all off by default)')
    faults.add_argument('--error-rate', type=_rate, default=0.0, help='share of answers that are 500/502/503')
    faults.add_argument(
        '--throttle-rate', type=_rate, default=0.0, help='share of answers that are 429 with Retry-After'
    )
    faults.add_argument(
        '--retry-after', type=int, default=1, help='Retry-After seconds on throttled answers (default 1)'
    )
    faults.add_argument('--latency-ms', type=_non_negative, default=0.0, help='added latency on every API request')
    faults.add_argument(
        '--reset-rate', type=_rate, default=0.0, help='share of requests whose connection is reset unanswered'
    )
    faults.add_argument(
        '--drop-response-rate',
        type=_rate,
        default=0.0,
        help='share of write requests applied and then reset unanswered',
    )
    faults.add_argument('--fault-operations', help='comma-separated operation names the faults apply to (default all)')
    faults.add_argument('--fault-seed', type=int, help='seed for repeatable fault choices')
    parser.add_argument('--verbose', action='store_true', help='log every request to stderr')
    return parser


def options_from_args(args: argparse.Namespace) -> dict:
    credentials = None
    if args.credentials:
        with open(args.credentials, encoding='utf-8') as handle:
            credentials = json.load(handle)
        if not isinstance(credentials, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in credentials.items()
        ):
            raise ValueError('--credentials must hold a JSON object of access key -> secret key')
    fault_operations = None
    if args.fault_operations:
        fault_operations = [op.strip() for op in args.fault_operations.split(',') if op.strip()]
        unknown = [op for op in fault_operations if op not in registry.names()]
        if unknown:
            raise ValueError('unknown operation(s) in --fault-operations: %s' % ', '.join(unknown))
    return dict(
        host=args.host,
        port=args.port,
        access_key=args.access_key,
        secret_key=args.secret_key,
        credentials=credentials,
        skew_seconds=args.skew_seconds,
        verify_signatures=not args.no_verify,
        create_delay=args.create_delay,
        resize_delay=args.resize_delay,
        delete_delay=args.delete_delay,
        config_delay=args.config_delay,
        backup_delay=args.backup_delay,
        restore_delay=args.restore_delay,
        upgrade_delay=args.upgrade_delay,
        recycle_retention=args.recycle_retention,
        quota=args.quota,
        seed=args.seed,
        seed_region=args.seed_region,
        state_file=args.state_file,
        error_rate=args.error_rate,
        throttle_rate=args.throttle_rate,
        retry_after=args.retry_after,
        latency_ms=args.latency_ms,
        reset_rate=args.reset_rate,
        drop_response_rate=args.drop_response_rate,
        fault_operations=fault_operations,
        fault_seed=args.fault_seed,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        verbose=args.verbose,
    )


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        emulator = Emulator(**options_from_args(args))
        emulator.start()
    except (OSError, ValueError) as exc:
        parser.exit(2, '%s: error: %s\n' % (parser.prog, exc))
    stop = threading.Event()

    def _stop(signum, frame):  # pylint: disable=unused-argument
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sys.stdout.write('JDCLOUD_ENDPOINT=%s\n' % emulator.url)
    sys.stdout.flush()
    sys.stderr.write(
        'jdcloud-redis-emulator %s listening on %s (access key %s)\n' % (VERSION, emulator.url, emulator.access_key)
    )
    sys.stderr.flush()
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0
