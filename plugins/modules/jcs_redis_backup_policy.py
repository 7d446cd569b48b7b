#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_backup_policy
short_description: Manage the automatic backups of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Manages the automatic backup policy of an existing JCS for Redis instance - whether it backs up automatically,
    on which weekdays, and in which window of the day.
  - Options left out keep their current value. The API needs the days and the window in every change, so a change
    of one sends the current value of the other.
  - Runs on one machine that change the policy of one instance take turns (a lock file under
    C($XDG_CACHE_HOME/jdcloud.cloud/locks)), so none loses another's change. After a change the module reads the
    policy back; when another writer (a run on another machine) overwrote a part this run set, it fails with
    C(error.status=ABORTED) rather than report success. See C(docs/reliability.md) of the collection.
  - Days are compared as a set, and windows by the moment they mean, so V(01:00-02:00 +0800) on Monday and
    V(17:00-18:00 +0000) on Sunday are the same schedule and never cause a change. The module keeps the form the
    API holds when nothing changes.
  - In diff mode, the policy before and after also has C(backup_starts_utc), the moments of the week the backups
    start at in UTC (V(Sunday 17:00)), which show what a change of zone does to the days.
  - An unchanged run makes one API call with O(instance_id), two with O(instance_name).
  - Changes are only made while the instance runs; the module first waits for a busy instance (O(wait), O(wait_timeout)).
  - To take a backup now or restore one, use M(jdcloud.cloud.jcs_redis_backup).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.setting_module
options:
  auto_backup:
    description:
      - Whether the instance backs up automatically. Left out, unchanged.
      - V(false) keeps the days and the window, so that turning automatic backups on again restores them.
      - Turning them on for an instance that has no days or no window needs O(backup_days) and O(backup_window).
    type: bool
  backup_days:
    description:
      - The weekdays of the automatic backups, for example V([Monday, Thursday]). Left out, unchanged.
      - Full names or their first three letters, in any case and any order (V(mon), V(Monday), V(MONDAY)).
      - Must name at least one day; to stop automatic backups, set O(auto_backup=false).
      - The days are those of the zone of O(backup_window). A change of O(backup_window) to another UTC offset
        without O(backup_days) keeps the day names, which then name days of the new zone; when that moves the
        backups to other days, the module warns and names the O(backup_days) that would keep them where they were.
    type: list
    elements: str
  backup_window:
    description:
      - The hour of the day the automatic backups run in, as V(HH:MM-HH:MM), optionally followed by a UTC offset,
        for example V(01:00-02:00), V(01:00-02:00 +0800) or V(17:00-18:00 +0000). Left out, unchanged.
      - Without an offset the window is in China Standard Time, V(+0800), the zone of JD Cloud's regions and of the
        API's own example. V(Z) and V(UTC) mean V(+0000).
      - The window starts and ends on the hour and ends at another hour than it starts; it may cross midnight
        (V(23:00-01:00)).
    type: str
  wait:
    description:
      - Wait for an instance that is not running (being created or resized, for example) before changing its
        backup policy. With V(false) the module fails instead.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the instance to run.
    type: int
    default: 1800
seealso:
  - module: jdcloud.cloud.jcs_redis_backup
  - module: jdcloud.cloud.jcs_redis_backup_info
'''

EXAMPLES = r'''
- name: Back up every night at 01:00 China Standard Time
  jdcloud.cloud.jcs_redis_backup_policy:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    auto_backup: true
    backup_days: [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday]
    backup_window: "01:00-02:00"

- name: Only on weekends, the window unchanged
  jdcloud.cloud.jcs_redis_backup_policy:
    region: cn-north-1
    instance_name: orders_cache
    backup_days: [sat, sun]

- name: No automatic backups
  jdcloud.cloud.jcs_redis_backup_policy:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    auto_backup: false
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
changes:
  description:
    - Names of the parts of the policy that are (in check mode, would be) changed, sorted, out of V(auto_backup),
      V(backup_days) and V(backup_window); empty when nothing changes.
  returned: success
  type: list
  elements: str
  sample: [backup_days]
backup_policy:
  description: The backup policy after the change (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    auto_backup:
      description: Whether the instance backs up automatically.
      type: bool
      sample: true
    backup_days:
      description: The weekdays of the automatic backups, in week order.
      type: list
      elements: str
      sample: [Monday, Thursday]
    backup_window:
      description: The window of the automatic backups as the API holds it, V(HH:MM-HH:MM +zzzz); null when none is set.
      type: str
      sample: 01:00-02:00 +0800
    next_backup_window:
      description:
        - The next automatic backup window the API reports, as V(start~end) in UTC; null when automatic backups are
          off.
        - In check mode, null when the schedule would change (only the API computes it).
      type: str
      sample: 2026-11-29T17:00:00Z~2026-11-29T18:00:00Z
  sample:
    auto_backup: true
    backup_days: [Monday, Thursday]
    backup_window: 01:00-02:00 +0800
    next_backup_window: 2026-11-29T17:00:00Z~2026-11-29T18:00:00Z
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import BackupPolicy
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SettingModule


class JCSRedisBackupPolicy(SettingModule):
    component = BackupPolicy()


def main():
    JCSRedisBackupPolicy().execute()


if __name__ == '__main__':
    main()
