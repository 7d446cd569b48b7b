# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A setting of an instance as a component: what every face of the setting (its own module, an option of
another module, an entry of a fleet) shares.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

A component is

- ``argument_spec``: its options, the same suboptions on every face;
- ``validate(wanted)``: the wanted setting (the values of those options) checked and normalised, before any
  call; a ``Refusal`` (``_api.py``) names the option and the rule;
- ``read(api, instance_id)``: the current setting, normalised (the API's 404 when the instance does not exist);
- ``plan(current, wanted)``: a ``Plan``, pure: no attribute, no call, so it is tested alone and several
  components of one instance are planned side by side;
- ``apply(api, instance_id, write)``: one write of the plan; ``holds(current, write)`` tells whether a setting as
  read already holds what the write makes (a write whose answer was lost went through; a write refused because
  another run made it so is done).

A driver (``_settings.py``) reads, plans, waits for the instance, applies, and reports; it never needs to know
which setting it drives.
"""


def component(key):
    """A new component of the setting ``key`` (``whitelist``, ``config``, ``backup_policy``, ``accounts``, ``tags``,
    ``tls``, ``disabled_commands``, ``maintenance_window``), its
    module loaded when first asked for: a face that offers settings by name (jcs_redis_info ``include``) compiles
    only those a run uses (AnsiballZ compiles every file a module imports on every run, docs/performance.md)."""
    if key == 'whitelist':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._whitelist import Whitelist

        return Whitelist()
    if key == 'config':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._parameters import Config

        return Config()
    if key == 'backup_policy':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import BackupPolicy

        return BackupPolicy()
    if key == 'accounts':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._accounts import Accounts

        return Accounts()
    if key == 'tags':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import Tags

        return Tags()
    if key == 'tls':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._tls import TLS

        return TLS()
    if key == 'maintenance_window':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._maintenance import MaintenanceWindow

        return MaintenanceWindow()
    if key == 'disabled_commands':
        from ansible_collections.jdcloud.cloud.plugins.module_utils._disabled_commands import DisabledCommands

        return DisabledCommands()
    raise KeyError(key)


class Plan:
    """What a setting becomes: ``after`` (the setting once written), ``writes`` (for ``apply``, in order),
    ``changes`` (the sorted names of what changes, the result's ``changes``) and ``warnings`` (about the wanted
    values and the setting as it ends up, given once per run)."""

    def __init__(self, after, writes=(), changes=(), warnings=()):
        self.after = after
        self.writes = list(writes)
        self.changes = list(changes)
        self.warnings = list(warnings)

    def __repr__(self):
        return f'Plan(after={self.after!r}, writes={self.writes!r}, changes={self.changes!r})'


class Component:
    key = None  # the result key, snake_case
    what = None  # the setting in messages ("white list")
    argument_spec = {}
    # a write moves the instance out of running (configuring): the driver waits for it to run again
    changes_status = False
    # a write replaces the whole setting (the API has no write of one part): the read, the write and the read-back
    # are serialised per instance and setting on this machine, and the read-back is checked (``verify``)
    serialised = False
    # the describe of the instance (the result shape) already holds the setting: a face that has the instance reads
    # it with ``from_instance``, at no call of its own
    in_instance = False

    def validate(self, wanted):
        return wanted

    def read(self, api, instance_id):
        raise NotImplementedError()

    def from_instance(self, instance):
        """The current setting out of ``instance`` (the result shape), for a component ``in_instance``."""
        raise NotImplementedError()

    def plan(self, current, wanted):
        raise NotImplementedError()

    def check(self, api, instance_id, wanted, plan):
        """Checks of a plan with writes that need the API but change nothing (before any write, also in check
        mode); a ``Refusal`` stops the run."""

    def apply(self, api, instance_id, write):
        raise NotImplementedError()

    def holds(self, current, write):
        raise NotImplementedError()

    def write_changes(self, current, plan, write):
        """The names of what one write changes, recorded once it went through (a failure after it reports them)."""
        return plan.changes

    def verify(self, instance_id, wanted, settled, written):
        """After the writes of a ``serialised`` setting: a ``Refusal`` when ``settled`` (the read-back) lost a part
        this run asked for, ``written`` being the last write that went through."""

    def context(self, write):
        """The write in a failure message: ``Could not <context> of instance <id>``."""
        return 'change the ' + self.what

    def value(self, current):
        """The setting as the result shows it (a component whose ``read`` holds more shows less)."""
        return current

    def settled(self, api, instance_id, after, waited):
        """The setting once written (not in check mode): ``after``; a setting with parts only the API computes
        reads it again."""
        return after

    def diff(self, current, plan):
        """The diff mode's ``(before, after)`` of the setting (``plan.after`` settled): the whole setting."""
        return self.value(current), plan.after
