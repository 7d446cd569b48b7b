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
    # Custom-shard classes (redis.s.*): the class is one shard and these are the shard counts it may have
    # (memory_mb, cpu, disk, connections and bandwidth are then per shard); empty for every other class.
    shard_choices: tuple = ()

    @property
    def custom_shards(self) -> bool:
        return bool(self.shard_choices)

    @property
    def memory_mb_per_shard(self) -> int:
        return self.memory_mb if self.custom_shards else self.memory_mb // self.shards

    def total_memory_mb(self, shard_number=None) -> int:
        return self.memory_mb * shard_number if self.custom_shards else self.memory_mb

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

# Custom-shard cluster classes of 4.0 and later, per shard (jdcloud-redis-api.md: 1-32 GB a shard, 2-128 shards);
# the two largest stop at 64 shards so that the allowed counts differ between classes.
_SHARD_COUNTS = (2, 4, 8, 16, 32, 64, 128)
_SHARD_CLASSES = tuple(
    InstanceClass(
        'redis.s.%s.basic' % size,
        'cluster',
        gb * 1024,
        1,
        cpu,
        gb * 20,
        10000,
        48,
        _SHARD_COUNTS if gb < 16 else _SHARD_COUNTS[:-1],
    )
    for size, gb, cpu in zip(_SIZES, _MS_GB, _MS_CPU)
)
# Replicas (primary included) by architecture: the default of both is one primary and one replica.
REPLICAS = {'master-slave': (2, 5), 'cluster': (2, 3)}
DEFAULT_REPLICAS = 2


def _version_classes(version: str) -> tuple:
    return _CLASSES_28 if version == '2.8' else _CLASSES_4X


@dataclass(frozen=True)
class Region:
    region_id: str
    code: str  # used in connectionDomain (jvessel-open-<code>); only 'hb' is attested
    azs: tuple
    versions: tuple
    missing_classes: frozenset = frozenset()
    custom_shards: bool = True
    replicas: tuple = tuple(sorted(REPLICAS.items()))

    def classes(self, version: str) -> tuple:
        """The classes describeInstanceClass lists: custom-shard classes are not among them."""
        if version not in self.versions:
            return ()
        return tuple(c for c in _version_classes(version) if c.code not in self.missing_classes)

    def shard_classes(self, version: str) -> tuple:
        if version not in self.versions or version == '2.8' or not self.custom_shards:
            return ()
        return _SHARD_CLASSES

    def find_class(self, version: str, code: str):
        for cls in self.classes(version) + self.shard_classes(version):
            if cls.code == code:
                return cls
        return None

    def replica_range(self, instance_type: str) -> tuple:
        return dict(self.replicas)[instance_type]

    def available_resources(self) -> list:
        """describeAvailableResource: per architecture, version and memory size the flavors (shard count and
        classes) sold; a custom-shard class appears once per shard count it allows."""
        out = []
        for architecture, name in (('master-slave', '标准版'), ('cluster', '集群版')):
            low, high = self.replica_range(architecture)
            versions = []
            for version in self.versions:
                specs = {}
                for cls in self.classes(version) + self.shard_classes(version):
                    if cls.instance_type != architecture:
                        continue
                    for shards in cls.shard_choices or (cls.shards,):
                        flavor = {
                            'shardNumber': shards,
                            'ipNumber': shards * 2,
                            'recommended': False,
                            'instanceClasses': [cls.code],
                            'detail': {
                                'cpu': cls.cpu,
                                'diskGB': cls.disk_gb,
                                'maxConnection': cls.max_connection,
                                'bandwidthMbps': cls.bandwidth_mbps,
                            },
                        }
                        specs.setdefault(cls.total_memory_mb(shards), []).append(flavor)
                shard_numbers = [f['shardNumber'] for flavors in specs.values() for f in flavors]
                versions.append(
                    {
                        'version': version,
                        'recommended': version == '5.0',
                        'soldOut': False,
                        'mustEnableSmartProxy': False,
                        'availableCPUArchs': [
                            {
                                'cpuArchInfo': {'cpuType': 'amd64', 'cpuName': 'Intel'},
                                'soldOut': False,
                                'availableMemorySpecs': [
                                    {
                                        'memoryGB': memory // 1024,
                                        'memoryMB': memory,
                                        'soldOut': False,
                                        'availableZones': list(self.azs),
                                        'availableFlavors': specs[memory],
                                    }
                                    for memory in sorted(specs)
                                ],
                                'shardNumberMin': min(shard_numbers),
                                'shardNumberMax': max(shard_numbers),
                                'maxMemoryMB': max(specs),
                            }
                        ],
                    }
                )
            out.append(
                {
                    'architectureType': architecture,
                    'architectureName': name,
                    'recommended': architecture == 'master-slave',
                    'soldOut': False,
                    'supportedMaxReplicas': high,
                    'supportedMinReplicas': low,
                    'supportedAzSpecifyType': ['SpecifyByReplicaGroup'],
                    'minAzLimitForCluster': 2,
                    'supportedExposeType': [],
                    'supportSmartProxy': False,
                    'availableEngineVersions': versions,
                }
            )
        return out


# cn-east-1 deliberately offers less (no 7.2, no 2xlarge/4xlarge, no custom-shard classes, two replicas only) so
# per-region catalogue checks mean something.
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
        custom_shards=False,
        replicas=(('cluster', (2, 2)), ('master-slave', (2, 2))),
    ),
}


_BY_CODE = {c.code: c for c in _CLASSES_28 + _CLASSES_4X + _SHARD_CLASSES}


def find_class_any_version(code: str):
    """Class definition regardless of region, used when rendering stored instances."""
    return _BY_CODE.get(code)
