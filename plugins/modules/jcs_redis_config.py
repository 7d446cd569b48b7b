#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_config
short_description: Manage the engine parameters of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Sets Redis engine parameters of an existing JCS for Redis instance, such as C(maxmemory-policy),
    C(notify-keyspace-events), C(slowlog-log-slower-than) or the C(*-max-ziplist-*) sizes.
  - Every name and value is checked against what the API reports for this instance (its Redis version decides the
    names, types, ranges and allowed values) before anything is written; a name the instance does not support fails
    and lists the names it does support.
  - Values are compared normalised, so a re-run is unchanged; see O(parameters) for the rules.
  - All changed parameters are written in one API call. The instance is then C(configuring) for a while; the module
    waits until it runs again (O(wait), O(wait_timeout)).
  - An unchanged run makes one API call with O(instance_id), two with O(instance_name).
  - Changes are only made while the instance runs; the module first waits for a busy instance.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.setting_module
options:
  parameters:
    description:
      - Redis parameter names and the values they should have. Parameters of the instance that are not listed are
        left as they are, unless O(reset_unlisted) is set.
      - A value may be given as a number or a string; V(512) and V('512') are the same. A boolean (an unquoted
        V(yes) or V(no) in YAML) is refused.
      - C(int) parameters are compared as whole numbers and must lie within the range the API reports.
      - C(string) parameters with allowed values must be one of them; a value in another case (V(ALLKEYS-LRU)) is
        taken as the API spells it.
      - C(byteArray) parameters (C(notify-keyspace-events)) are combinations of the allowed letters, compared as
        sets of letters; for C(notify-keyspace-events), V(A) stands for every event class letter the instance
        offers except V(K), V(E), V(m) (key-miss) and V(n) (new key), as in Redis, so V(KEA), V(AKE) and
        V(KEg$lshzxe) on Redis 4.0 are the same. An empty string turns notifications off.
      - The configuration returned (also in check mode, and with O(wait=false)) shows every value as the API reports
        it, for example V(KEA) as V(AKE). Redis 7 does not report V(n) beside V(A); such a value is compared without
        V(n), with a warning.
      - C(outputBuffer) parameters (C(client-output-buffer-limit)) take groups of
        C(<class> <hard limit> <soft limit> <soft seconds>) with the classes V(normal), V(slave) (or V(replica)) and
        V(pubsub) and sizes in bytes or with V(k), V(kb), V(m), V(mb), V(g), V(gb); only the classes given are
        compared and set, the others keep their values.
    type: dict
    default: {}
  reset_unlisted:
    description:
      - Also set every supported parameter that O(parameters) does not list back to the default value the API
        reports for it (parameters without a reported default are left alone).
      - This includes C(maxmemory-policy), whose default evicts only keys with an expiry time.
    type: bool
    default: false
  wait:
    description:
      - Wait for an instance that is not running before changing it, and for the instance to run again after the
        change. With V(false) the module fails on a busy instance and returns as soon as the change is accepted.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the instance to run, each time it waits.
    type: int
    default: 1800
notes:
  - The API may report a value in its own form, for example V(KEA) as V(AKE) or V(64mb) as V(67108864). After a change
    with O(wait), RV(config) is read again once the instance runs, so it holds the API's form; in check mode and with
    O(wait=false) it holds the form that was sent of the parameters that change.
seealso:
  - module: jdcloud.cloud.jcs_redis_info
    description: O(jdcloud.cloud.jcs_redis_info#module:include=config) returns the parameters of many instances.
  - module: jdcloud.cloud.jcs_redis_instance
'''

EXAMPLES = r'''
- name: Evict any key, least recently used first, and log commands slower than 5 ms
  jdcloud.cloud.jcs_redis_config:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    parameters:
      maxmemory-policy: allkeys-lru
      slowlog-log-slower-than: 5000

- name: Publish expiry events, by instance name
  jdcloud.cloud.jcs_redis_config:
    region: cn-north-1
    instance_name: orders_cache
    parameters:
      notify-keyspace-events: Ex

- name: Exactly these settings; every other parameter back to its default
  jdcloud.cloud.jcs_redis_config:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    reset_unlisted: true
    parameters:
      maxmemory-policy: allkeys-lfu
      hash-max-ziplist-entries: 1024
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
config:
  description:
    - Every parameter the API reports for the instance, name to value (a string, as the API reports it), after the
      change (in check mode, as it would be).
  returned: success
  type: dict
  sample: {maxmemory-policy: allkeys-lru, hash-max-ziplist-entries: '512', notify-keyspace-events: ''}
changes:
  description: Names of the parameters that changed (in check mode, that would change), sorted.
  returned: success
  type: list
  elements: str
  sample: [maxmemory-policy, slowlog-log-slower-than]
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._parameters import Config
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SettingModule


class JCSRedisConfig(SettingModule):
    component = Config()


def main():
    JCSRedisConfig().execute()


if __name__ == '__main__':
    main()
