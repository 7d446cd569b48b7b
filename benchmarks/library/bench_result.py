# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The floor of the large-account benchmark (benchmarks/run.py, section "large").

Returns a list of instances read from a JSON file, without any API call: its wall time is what
Python's start-up, AnsibleModule and exit_json (ansible-core's no_log walk over every value and the
JSON encoding) cost for a result of that size, which any module returning it pays. Not part of the
collection.
"""

DOCUMENTATION = r'''
module: bench_result
short_description: Return a stored list of instances, for benchmarks
description: Reads a JSON list from O(path) and returns it as RV(instances), as jcs_redis_info would.
options:
  path:
    description: JSON file holding the list of instances.
    type: path
    required: true
author: Contributors to the jdcloud.cloud collection
'''

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    # a no_log option like the collection's secret_key, so that exit_json has a value to mask
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            secret=dict(type='str', no_log=True, default='EMULATORSECRETKEY000000000000000x9'),
        )
    )
    with open(module.params['path']) as handle:
        instances = json.load(handle)
    module.exit_json(changed=False, instances=instances, total=len(instances))


if __name__ == '__main__':
    main()
