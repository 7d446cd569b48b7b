# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Redis commands disabled on an instance (docs/dev/api-notes.md#disabled-commands): the rules of the wanted set
and its plan (the calls are in ``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Command names are case-insensitive (Redis's own rule) and kept upper-case, as the API reports them. The API takes
per-command flags, so every change of the set is one call.
"""

import re
from difflib import get_close_matches

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

# A Redis command name: letters, digits and a few signs (``CLIENT|KILL`` style subcommands are not disabled alone)
_COMMAND = re.compile(r'[A-Za-z][A-Za-z0-9_\-]{0,63}\Z')


def command_set(option, names):
    """The upper-case set of ``names`` (the value of ``option``); a Refusal names the entry and the rule."""
    wanted = []
    for index, name in enumerate(names):
        if not isinstance(name, str) or not _COMMAND.match(name):
            raise Refusal(
                f'{option}[{index}] must be a Redis command name (a letter, then letters, digits, _ or -), got {shown(name)}'
            )
        if name.upper() not in wanted:
            wanted.append(name.upper())
    return sorted(wanted)


def unknown_commands(instance_id, unknown, catalogue):
    """The refusal of commands the instance does not let disable, with the close names and the catalogue."""
    parts = []
    for name in unknown:
        close = get_close_matches(name, catalogue, n=2, cutoff=0.6)
        parts.append(name + (' (did you mean {}?)'.format(' or '.join(close)) if close else ''))
    return Refusal(
        'commands: instance {} cannot disable {} (not in listDisableCommands); the commands it can disable: {}'.format(
            instance_id, ', '.join(parts), ', '.join(catalogue) or 'none'
        ),
        commands=list(unknown),
        catalogue=list(catalogue),
    )


def disabled(answer):
    """getDisableCommands' ``disableCommandLists`` as ``{COMMAND: disable time}``."""
    return {
        item['commandName'].upper(): item.get('disableTime')
        for item in answer or ()
        if isinstance(item, dict) and isinstance(item.get('commandName'), str)
    }


def catalogue(answer):
    """listDisableCommands' ``disableCommands``: the names, upper-case and sorted."""
    return sorted({name.upper() for name in answer or () if isinstance(name, str)})


class DisabledCommands(Component):
    """The commands disabled on an instance. ``wanted``: ``commands`` (disabled) and ``purge`` (enable the others).
    ``current``: ``{instance_id, disabled: {COMMAND: disable time}}``. A plan that disables a command is checked
    against the catalogue of the instance (``check``: one more read, only then, so an unchanged run makes one call)."""

    key = 'disabled_commands'
    what = 'disabled commands'
    argument_spec = dict(
        commands=dict(type='list', elements='str', required=True),
        purge=dict(type='bool', default=False),
    )

    def validate(self, wanted):
        return dict(wanted, commands=command_set('commands', wanted['commands']))

    def read(self, api, instance_id):
        return dict(instance_id=instance_id, disabled=disabled(api.disabled_commands(instance_id)))

    def value(self, current):
        return sorted(current['disabled'])

    def plan(self, current, wanted):
        present = current['disabled']
        to_disable = [name for name in wanted['commands'] if name not in present]
        to_enable = sorted(name for name in present if name not in wanted['commands']) if wanted['purge'] else []
        flags = dict.fromkeys(to_disable, True)
        flags.update(dict.fromkeys(to_enable, False))
        after = sorted((set(present) | set(to_disable)) - set(to_enable))
        return Plan(after, [flags] if flags else [], sorted(flags))

    def check(self, api, instance_id, wanted, plan):
        """The commands to disable are among those the instance lets disable (listDisableCommands)."""
        to_disable = sorted(name for write in plan.writes for name, flag in write.items() if flag)
        if to_disable:
            offered = catalogue(api.disable_command_catalogue(instance_id))
            unknown = [name for name in to_disable if name not in offered]
            if unknown:
                raise unknown_commands(instance_id, unknown, offered)

    def apply(self, api, instance_id, write):
        return api.set_disabled_commands(instance_id, write)

    def holds(self, current, write):
        return all((name in current['disabled']) == flag for name, flag in write.items())

    def context(self, write):
        disable = [name for name, flag in sorted(write.items()) if flag]
        enable = [name for name, flag in sorted(write.items()) if not flag]
        words = ([f'disable {", ".join(disable)}'] if disable else []) + (
            [f'enable {", ".join(enable)}'] if enable else []
        )
        return ' and '.join(words)

    def settled(self, api, instance_id, after, waited):
        return self.value(self.read(api, instance_id))

    def verify(self, instance_id, wanted, settled, written):
        """The set as read back after the write: a command this run disabled or enabled that reads otherwise was changed
        again by another writer (or the API dropped it); refuse rather than report what does not hold."""
        wrong = sorted(name for name, flag in written.items() if (name in settled) != flag)
        if wrong:
            raise Refusal(
                'The disabled commands of instance {} read back after the change are not what this run wrote: {} did '
                'not read back as written (now disabled: {}); run the task again, and do not change them from several '
                'places at once'.format(instance_id, ', '.join(wrong), ', '.join(settled) or 'none'),
                status='ABORTED',
            )
