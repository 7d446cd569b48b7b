# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The floor of the task-overhead benchmark (benchmarks/run.py, section "overhead").

The least any module of the collection can do per task: parse its arguments with AnsibleModule
(which is what makes Ansible run it as a new-style module at all), import requests, make one GET to a
local server and exit. Whatever jcs_redis_instance costs above this module is the collection's own:
its imports, documentation, client set-up and calls. Not part of the collection.
"""

DOCUMENTATION = r'''
module: bench_floor
short_description: One GET with requests, for benchmarks
description: Imports requests, makes one GET to O(url) and returns its HTTP status.
options:
  url:
    description: URL to GET, for example the emulator's unsigned C(/_emulator/stats).
    type: str
    required: true
author: Contributors to the jdcloud.cloud collection
'''

import requests
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(url=dict(type='str', required=True)), supports_check_mode=True)
    response = requests.get(module.params['url'], timeout=10)
    module.exit_json(changed=False, status=response.status_code)


if __name__ == '__main__':
    main()
