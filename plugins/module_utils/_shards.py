# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shard and replica counts of a class, as describeAvailableResource sells them, and the rules for
shard_number and replica_number of jcs_redis_instance.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import normalize_version


class Layout:
    """What the region sells of one class for one Redis version: its architecture, the shard counts it
    may have (with the total memory of each) and the replica counts of its architecture."""

    def __init__(self, instance_class, instance_type, shards, replicas, detail=None):
        self.instance_class = instance_class
        self.detail = detail or {}  # the figures of one flavor (cpu, diskGB, maxConnection, bandwidthMbps)
        self.instance_type = instance_type
        self.shards = shards  # {shard count: total memory in MB}
        self.replicas = replicas  # (min, max), primary included; (None, None) when the API does not tell

    @property
    def custom(self):
        """A custom-shard class (redis.s.*): the class is one shard and the count is chosen."""
        return len(self.shards) > 1

    def shard_choices(self):
        return ', '.join(str(n) for n in sorted(self.shards))

    def entry(self, shard_number):
        """A describeInstanceClass-like entry of the instance with ``shard_number`` shards, with its shape."""
        memory = self.shards.get(shard_number)
        return dict(
            instanceClass=self.instance_class,
            instanceType=self.instance_type,
            memoryMB=memory,
            shardNumber=shard_number,
            memoryMBPerShard=memory // shard_number if memory and shard_number else None,
        )


def _sold(items):
    return [item for item in items or () if isinstance(item, dict) and not item.get('soldOut')]


def class_layout(resources, redis_version, instance_class):
    """The Layout of ``instance_class`` for ``redis_version`` in a describeAvailableResource answer, or None
    when the region does not sell it."""
    for resource in _sold(resources):
        shards = {}
        for engine in _sold(resource.get('availableEngineVersions')):
            if normalize_version(engine.get('version')) != redis_version:
                continue
            for arch in _sold(engine.get('availableCPUArchs')):
                for spec in _sold(arch.get('availableMemorySpecs')):
                    for flavor in _sold(spec.get('availableFlavors')):
                        if instance_class in (flavor.get('instanceClasses') or ()) and flavor.get('shardNumber'):
                            shards[flavor['shardNumber']] = spec.get('memoryMB')
        if shards:
            replicas = (resource.get('supportedMinReplicas'), resource.get('supportedMaxReplicas'))
            return Layout(instance_class, resource.get('architectureType'), shards, replicas)
    return None


def sold_layouts(resources, redis_version=None):
    """``{class: Layout}`` of every class a describeAvailableResource answer sells for ``redis_version``
    (every version when None), in the order of the answer; each Layout has ``detail``, the per-flavor
    figures (cpu, diskGB, maxConnection, bandwidthMbps) of its first flavor."""
    layouts = {}
    for resource in _sold(resources):
        replicas = (resource.get('supportedMinReplicas'), resource.get('supportedMaxReplicas'))
        for engine in _sold(resource.get('availableEngineVersions')):
            if redis_version is not None and normalize_version(engine.get('version')) != redis_version:
                continue
            for arch in _sold(engine.get('availableCPUArchs')):
                for spec in _sold(arch.get('availableMemorySpecs')):
                    for flavor in _sold(spec.get('availableFlavors')):
                        if not flavor.get('shardNumber'):
                            continue
                        for code in flavor.get('instanceClasses') or ():
                            layout = layouts.get(code)
                            if layout is None:
                                layout = layouts[code] = Layout(
                                    code, resource.get('architectureType'), {}, replicas, flavor.get('detail')
                                )
                            layout.shards.setdefault(flavor['shardNumber'], spec.get('memoryMB'))
    return layouts


def shard_problem(layout, shard_number, region):
    """Why ``shard_number`` is refused for the class of ``layout``, or None."""
    name, choices = layout.instance_class, layout.shard_choices()
    if shard_number is None:
        if layout.custom:
            return f'shard_number is required for the custom-shard class {name} (allowed in region {region}: {choices})'
        return None
    if shard_number in layout.shards:
        return None
    if not layout.custom:
        return (
            f'shard_number {shard_number} does not apply to class {name}: it always has {choices} shard(s); '
            'only custom-shard classes (redis.s.*), which the region sells with several shard counts, take shard_number'
        )
    return f'shard_number must be one of {choices} for class {name} in region {region}, got {shard_number}'


def replica_problem(layout, replica_number, region):
    """Why ``replica_number`` is refused for the architecture of ``layout``, or None."""
    low, high = layout.replicas
    if replica_number is None or low is None or high is None or low <= replica_number <= high:
        return None
    kind = layout.instance_type
    if low == high:
        return (
            f'replica_number does not apply to class {layout.instance_class}: region {region} sells {kind} '
            f'instances with {low} replicas only, got {replica_number}'
        )
    return (
        f'replica_number must be between {low} and {high} (the primary included) for {kind} instances in '
        f'region {region}, got {replica_number}'
    )


def target_shards(layout, shard_number, current):
    """The shard count a resize to the class of ``layout`` leads to: the one asked for, else the current
    count when the class allows it (the API keeps it), else the fixed count of the class; None when a
    custom-shard class needs a count that was not given."""
    if shard_number is not None:
        return shard_number
    if current.get('instance_class') == layout.instance_class or (
        layout.custom and current.get('shard_number') in layout.shards
    ):
        return current.get('shard_number')
    if not layout.custom:
        return next(iter(layout.shards))
    return None


def architecture_problem(current, new_type, new_class):
    """Why the architecture of ``current`` cannot become ``new_type``: only standard (master-slave) can
    become a cluster, and no other architecture change is a resize."""
    have = current.get('instance_type')
    if not have or not new_type or have == new_type or have == 'master-slave' and new_type == 'cluster':
        return None
    return 'instance {} is a {} instance and cannot be changed to the {} class {}; only master-slave instances can become clusters'.format(
        current['id'], have, new_type, new_class
    )
