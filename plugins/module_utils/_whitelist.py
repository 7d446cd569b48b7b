# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""White-list groups of an instance (docs/dev/api-notes.md#white-list-groups): the normalised shape and the
checks of names and addresses (the calls are in ``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

from ipaddress import IPv4Network

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

# The group every instance has, open to every address, which cannot be deleted (api-notes).
DEFAULT_GROUP = 'default'
EVERYONE = IPv4Network('0.0.0.0/0')
NAME_FIRST = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')
NAME_REST = NAME_FIRST | frozenset('0123456789_-')
NAME_MAX = 32


def name_problem(name):
    if not name or len(name) > NAME_MAX or name[0] not in NAME_FIRST or not set(name) <= NAME_REST:
        return 'must be 1 to 32 letters, digits, underscores or hyphens, starting with a letter'
    return None


def parse_ips(values):
    """The set of networks that ``values`` (strings, each one address or block, or several separated
    by commas) name; raises ValueError naming the first entry that is not an IPv4 address or block.
    Host bits are dropped (10.0.0.1/16 is 10.0.0.0/16), as the API treats them."""
    networks = set()
    for value in values:
        for entry in str(value).split(','):
            entry = entry.strip()
            try:
                networks.add(IPv4Network(entry, strict=False))
            except ValueError:
                raise ValueError(
                    f'{shown(entry)} is not an IPv4 address or CIDR block (x.x.x.x or x.x.x.x/n)'
                ) from None
    return networks


def widened(values):
    """``[(entry, network)]`` for the entries of ``values`` (as parse_ips reads them) that have host bits
    set: the API takes the whole block, which is wider than what the entry seems to name."""
    result = []
    for value in values:
        for entry in str(value).split(','):
            entry = entry.strip()
            try:
                network = IPv4Network(entry, strict=False)
            except ValueError:
                continue
            if str(network.network_address) != entry.split('/')[0]:
                result.append((entry, network))
    return result


def render(networks):
    """The sorted list of ``networks``, one address without /32 (as the API's examples write it)."""
    return [str(n.network_address) if n.prefixlen == 32 else str(n) for n in sorted(networks)]


def normalise(groups):
    """The API's ``whiteLists`` as the modules return them: ``[{name, ips: [...]}]`` in the API's order."""
    result = []
    for group in groups or ():
        ips = group.get('ips') or ''
        try:
            ips = render(parse_ips([ips])) if ips else []
        except ValueError:
            # an address the API holds that this module cannot read: shown as given, never hidden
            ips = [entry.strip() for entry in ips.split(',') if entry.strip()]
        result.append(dict(name=group.get('name'), ips=ips))
    return result


class Whitelist(Component):
    """The white-list groups of an instance. ``wanted``: ``groups`` (name and ips), ``purge`` and ``state``."""

    key = 'whitelist'
    what = 'whitelist'
    argument_spec = dict(
        groups=dict(
            type='list',
            elements='dict',
            default=[],
            options=dict(name=dict(type='str', required=True), ips=dict(type='list', elements='str')),
        ),
        purge=dict(type='bool', default=False),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )

    def validate(self, wanted):
        """``{state, purge, groups: {name: rendered ips, or None to delete}}``."""
        present = wanted['state'] == 'present'
        if wanted['purge'] and not present:
            raise Refusal('purge only applies with state=present')
        groups = {}
        widening = []
        for index, group in enumerate(wanted['groups']):
            name, option = group['name'], f'groups[{index}]'
            problem = name_problem(name)
            if problem:
                raise Refusal(f'{option}.name {problem}, got {shown(name)}')
            if name in groups:
                raise Refusal(f'{option}.name: the group {name!r} is listed more than once')
            if not present:
                if name == DEFAULT_GROUP:
                    raise Refusal(
                        f'{option}.name: the {DEFAULT_GROUP!r} group cannot be removed; '
                        'list it with state=present and the addresses it should hold instead'
                    )
                groups[name] = None
                continue
            if not group['ips']:
                raise Refusal(f'{option}.ips is required with state=present and must hold at least one address')
            try:
                groups[name] = render(parse_ips(group['ips']))
            except ValueError as exc:
                raise Refusal(f'{option}.ips: {exc}') from None
            widening.extend(
                f'{option}.ips: {shown(entry)} has host bits set and is taken as {network}, the whole block '
                f'({network.num_addresses} addresses); write {network} for the block, or '
                f'{entry.split("/")[0]} for the one address'
                for entry, network in widened(group['ips'])
            )
        return dict(state=wanted['state'], purge=wanted['purge'], groups=groups, widening=widening)

    def read(self, api, instance_id):
        return normalise(api.whitelist(instance_id))

    def plan(self, current, wanted):
        present = wanted['state'] == 'present'
        groups = wanted['groups']
        existing = {g['name'] for g in current}
        writes = []
        after = []
        for group in current:
            name = group['name']
            if name not in groups:
                if present and wanted['purge'] and name != DEFAULT_GROUP:
                    writes.append(('delete', name, None))
                else:
                    after.append(group)
            elif not present:
                writes.append(('delete', name, None))
            elif group['ips'] != groups[name]:
                writes.append(('modify', name, groups[name]))
                after.append(dict(name=name, ips=groups[name]))
            else:
                after.append(group)
        if present:
            for name, ips in groups.items():
                if name not in existing:
                    writes.append(('add', name, ips))
                    after.append(dict(name=name, ips=ips))
        # adds and changes before deletes: a client moving to a new group is never locked out in between
        writes.sort(key=lambda w: w[0] == 'delete')
        everyone = [
            f'white-list group {group["name"]!r} admits every address (0.0.0.0/0): the instance accepts '
            'connections from anywhere its network reaches; list the group with narrower addresses'
            for group in after
            if '0.0.0.0/0' in group['ips']
        ]
        return Plan(after, writes, sorted({name for _action, name, _ips in writes}), wanted['widening'] + everyone)

    def apply(self, api, instance_id, write):
        action, name, ips = write
        if action == 'add':
            return api.add_whitelist_group(instance_id, name, ips)
        if action == 'modify':
            return api.modify_whitelist_group(instance_id, name, ips)
        return api.delete_whitelist_group(instance_id, name)

    def holds(self, current, write):
        action, name, ips = write
        group = next((g for g in current if g['name'] == name), None)
        return group is None if action == 'delete' else (group or {}).get('ips') == ips

    def write_changes(self, current, plan, write):
        return [write[1]]

    def context(self, write):
        return f'{write[0]} white-list group {write[1]!r}'
