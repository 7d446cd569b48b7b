# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Connection and credential options shared by every module.  The argument
    # spec lives once in plugins/module_utils/_base.py (COMMON_ARGUMENT_SPEC);
    # validate-modules checks that the two agree.
    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - JD Cloud access key (AccessKey ID) used to sign the requests.
      - If not set, the value of the E(JDCLOUD_ACCESS_KEY) environment variable is used.
      - Either this option or the environment variable is required.
    type: str
  secret_key:
    description:
      - JD Cloud secret key (AccessKey secret) used to sign the requests.
      - If not set, the value of the E(JDCLOUD_SECRET_KEY) environment variable is used.
      - Either this option or the environment variable is required. It is never shown in any output.
    type: str
  region:
    description:
      - JD Cloud region ID, for example V(cn-north-1).
      - If not set, the value of the E(JDCLOUD_REGION) environment variable is used.
      - Either this option or the environment variable is required; an empty variable counts as not set.
    type: str
  endpoint:
    description:
      - Base URL of the JD Cloud Redis API.
      - If not set, the value of the E(JDCLOUD_ENDPOINT) environment variable is used, then the default, the JD Cloud API.
      - An empty E(JDCLOUD_ENDPOINT) counts as not set, so it means the JD Cloud API too (AWX injects an empty
        string for a credential field left empty). An empty O(endpoint) is refused.
      - Point it at the emulator shipped with this collection, for example V(http://127.0.0.1:8765), to run playbooks offline.
      - A plain C(http://) endpoint that is not on the loopback interface triggers a warning, because
        the requests would travel unencrypted.
    type: str
    default: https://redis.jdcloud-api.com
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the endpoint.
      - Only set this to V(false) for test endpoints with self-signed certificates; prefer O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates used to verify the endpoint instead of the system CA store.
    type: path
  api_timeout:
    description:
      - Timeout in seconds of one HTTP request to the API, from 1 to 3600.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a failed request is retried when the failure is temporary
        (HTTP 429 throttling, HTTP 5xx, connection errors and timeouts).
      - Retries wait with capped exponential backoff and full jitter and honour C(Retry-After).
      - Only requests that are safe to repeat are retried automatically. A change whose outcome is unknown (no
        answer, or HTTP 5xx) is not sent again blindly - the module first reads back what it changes (the
        instance, the white-list group, the backup, ...) and sends the change again, at most O(api_retries)
        times, only when it did not take effect.
      - From 0 (no retries) to 100.
    type: int
    default: 5
requirements:
  - requests
notes:
  - All options can also be set for every module of the collection at once with
    C(module_defaults) and the action group C(group/jdcloud.cloud.jcs).
  - Errors are returned as RV(ignore:msg) and a structured RV(ignore:error) dictionary with the keys
    C(code) (HTTP status), C(status) (for example C(INVALID_ARGUMENT), C(NOT_FOUND), C(QUOTA_EXCEEDED), or a
    client-side C(CONNECTION_ERROR), C(TIMEOUT), C(OUTCOME_UNKNOWN)), C(message) and C(request_id).
'''

    # The endpoint of JD Cloud's resource-tag service, for modules that change tags after a create.
    TAG_ENDPOINT = r'''
options:
  tag_endpoint:
    description:
      - Base URL of JD Cloud's resource-tag service, which changes the tags of an existing instance
        (C(TagResources), C(UnTagResources)); its requests are signed for the service C(resourcetag).
      - If not set, the value of the E(JDCLOUD_TAG_ENDPOINT) environment variable is used (an empty one counts as
        not set). Otherwise it follows O(endpoint) - C(https://resourcetag.jdcloud-api.com) while O(endpoint) is JD
        Cloud's Redis API C(https://redis.jdcloud-api.com), and the same scheme, host and port as O(endpoint) when
        O(endpoint) points anywhere else, so that the emulator, which serves both services, needs no other setting.
      - It is only used when tags change on an existing instance.
    type: str
    version_added: 1.1.0
'''

    # Attributes of modules that only read.
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: The module only reads, so it runs the same way in check mode.
    support: full
  diff_mode:
    description: The module changes nothing, so there is no diff to show.
    support: N/A
  action_group:
    description: Use C(group/jdcloud.cloud.jcs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jdcloud.cloud.jcs
'''

    # Attributes of modules that change instances.
    STATE_MODULE = r'''
attributes:
  check_mode:
    description: Makes no change; reports what would change and the predicted instance.
    support: full
  diff_mode:
    description: Reports the instance before and after the change; passwords appear only as a redacted marker.
    support: full
  action_group:
    description: Use C(group/jdcloud.cloud.jcs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jdcloud.cloud.jcs
'''

    # The two ways to name the one existing instance a settings, backup or account module works on.
    ONE_INSTANCE = r'''
options:
  instance_id:
    description:
      - ID of the instance.
      - Exactly one of O(instance_id) and O(instance_name) is required.
    type: str
  instance_name:
    description:
      - Name of the instance, compared exactly.
      - The module fails when no instance or more than one instance has this name, listing the candidates; use
        O(instance_id) then.
    type: str
'''

    # Attributes of modules that manage one setting of an existing instance (the white list, ...).
    SETTING_MODULE = r'''
attributes:
  check_mode:
    description: Makes no change; reports whether the setting would change and the predicted setting.
    support: full
  diff_mode:
    description: Reports the setting before and after the change.
    support: full
  action_group:
    description: Use C(group/jdcloud.cloud.jcs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jdcloud.cloud.jcs
'''

    # Attributes of the module that cancels or reschedules a task.
    TASK_MODULE = r'''
attributes:
  check_mode:
    description: Makes no change; reports whether the task would change and the task as it would be.
    support: full
  diff_mode:
    description: The result's RV(task) shows the task as it ends up; there is no separate diff.
    support: none
  action_group:
    description: Use C(group/jdcloud.cloud.jcs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jdcloud.cloud.jcs
'''

    # Attributes of modules that act on an instance rather than converge a setting (a backup, a restore).
    ACTION_MODULE = r'''
attributes:
  check_mode:
    description: Makes no change; reports whether the module would act and on what (the backup it would use).
    support: full
  diff_mode:
    description: The module takes or restores backups rather than changing a setting, so there is no diff to show.
    support: none
  action_group:
    description: Use C(group/jdcloud.cloud.jcs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jdcloud.cloud.jcs
'''
