#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper of the jcs_redis_task target only: plans a resize for the instance's maintenance window
(modifyCacheInstanceClass with effectiveTime MaintainTime), so that the target has a planned task to cancel and
reschedule, made the way the API plans one."""

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule


class PlanResize(JCSModule):
    argument_spec = dict(
        instance_id=dict(type='str', required=True),
        instance_class=dict(type='str', required=True),
    )

    def run(self):
        path = self.api.path('cacheInstance', self.params['instance_id'], action='modifyCacheInstanceClass')
        body = dict(cacheInstanceClass=self.params['instance_class'], effectiveTime='MaintainTime')
        self.client.request('POST', path, self.api.region, body=body)
        return dict(changed=True)


def main():
    PlanResize().execute()


if __name__ == '__main__':
    main()
