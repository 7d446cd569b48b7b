"""Regions, availability zones, Redis versions and instance classes the emulator offers.

The figures follow docs/dev/api-notes.md#instance-classes.  Where JD Cloud publishes nothing (cpu/disk of the larger
classes, region codes other than ``hb``, instanceVersion strings other than ``4.0-1.3``)
the values are invented but stable, and documented as such in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REDIS_VERSION = '2.8'  # the create/describeInstanceClass docs still name 2.8 as the default
ALL_VERSIONS = ('2.8', '4.0', '5.0', '6.2', '7.2')
INSTANCE_VERSIONS = {'2.8': '2.8-2.1', '4.0': '4.0-1.3', '5.0': '5.0-1.2', '6.2': '6.2-1.1', '7.2': '7.2-1.0'}
PROXY_VERSIONS = {'2.8': '', '4.0': '4.0-2.4', '5.0': '5.0-2.4', '6.2': '6.2-2.4', '7.2': '7.2-2.4'}


@dataclass(frozen=True)
class InstanceClass:
    code: str
    instance_type: str  # 'master-slave' or 'cluster'
    memory_mb: int
    shards: int
    cpu: int
    disk_gb: int
    max_connection: int
    bandwidth_mbps: int

    @property
    def memory_mb_per_shard(self) -> int:
        return self.memory_mb // self.shards

    def to_api(self) -> dict:
        return {
            'instanceClass': self.code,
            'instanceType': self.instance_type,
            'cpu': self.cpu,
            'memoryMB': self.memory_mb,
            'diskGB': self.disk_gb,
            'maxConnection': self.max_connection,
            'bandwidthMbps': self.bandwidth_mbps,
        }


_SIZES = ('micro', 'small', 'medium', 'large', 'xlarge', '2xlarge')
_MS_GB = (1, 2, 4, 8, 16, 32)
_MS_CPU = (1, 1, 2, 2, 4, 4)
_CLUSTER_SIZES = ('small', 'medium', 'large', 'xlarge', '2xlarge', '4xlarge')
_CLUSTER_GB = (16, 32, 64, 128, 256, 512)
_CLUSTER_SHARDS = (8, 8, 8, 16, 16, 32)


def _classes(ms_prefix: str, cluster_prefix: str) -> tuple:
    out = []
    for size, gb, cpu in zip(_SIZES, _MS_GB, _MS_CPU):
        out.append(
            InstanceClass('%s.%s.basic' % (ms_prefix, size), 'master-slave', gb * 1024, 1, cpu, gb * 20, 10000, 48)
        )
    for size, gb, shards in zip(_CLUSTER_SIZES, _CLUSTER_GB, _CLUSTER_SHARDS):
        factor = shards // 8
        out.append(
            InstanceClass(
                '%s.%s.basic' % (cluster_prefix, size),
                'cluster',
                gb * 1024,
                shards,
                8 * factor,
                gb * 10,
                80000 * factor,
                384 * factor,
            )
        )
    return tuple(out)


# 2.8 uses the m1/c1 codes; 4.0 and every later engine share the m/c codes (docs/dev/api-notes.md#instance-classes).
_CLASSES_28 = _classes('redis.m1', 'redis.c1')
_CLASSES_4X = _classes('redis.m', 'redis.c')


def _version_classes(version: str) -> tuple:
    return _CLASSES_28 if version == '2.8' else _CLASSES_4X


@dataclass(frozen=True)
class Region:
    region_id: str
    code: str  # used in connectionDomain (jvessel-open-<code>); only 'hb' is attested
    azs: tuple
    versions: tuple
    missing_classes: frozenset = frozenset()

    def classes(self, version: str) -> tuple:
        if version not in self.versions:
            return ()
        return tuple(c for c in _version_classes(version) if c.code not in self.missing_classes)

    def find_class(self, version: str, code: str):
        for cls in self.classes(version):
            if cls.code == code:
                return cls
        return None


# cn-east-1 deliberately offers less (no 7.2, no 2xlarge/4xlarge) so per-region catalogue checks mean something.
REGIONS = {
    'cn-north-1': Region('cn-north-1', 'hb', ('cn-north-1a', 'cn-north-1b', 'cn-north-1c'), ALL_VERSIONS),
    'cn-south-1': Region('cn-south-1', 'hn', ('cn-south-1a', 'cn-south-1b'), ALL_VERSIONS),
    'cn-east-2': Region('cn-east-2', 'hd', ('cn-east-2a', 'cn-east-2b', 'cn-east-2c'), ALL_VERSIONS),
    'cn-east-1': Region(
        'cn-east-1',
        'sq',
        ('cn-east-1a', 'cn-east-1b'),
        ('2.8', '4.0', '5.0', '6.2'),
        frozenset(c.code for c in _CLASSES_28 + _CLASSES_4X if '.2xlarge.' in c.code or '.4xlarge.' in c.code),
    ),
}


_BY_CODE = {c.code: c for c in _CLASSES_28 + _CLASSES_4X}


def find_class_any_version(code: str):
    """Class definition regardless of region, used when rendering stored instances."""
    return _BY_CODE.get(code)
