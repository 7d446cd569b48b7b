# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""White-list groups of an instance (docs/dev/api-notes.md#white-list-groups): the API calls, the
normalised shape and the checks of names and addresses.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Shared by jcs_redis_whitelist and jcs_redis_info (``include: [whitelist]``); it imports nothing of
the collection, so that neither pays for more than it uses.
"""

from ipaddress import IPv4Network
from urllib.parse import quote

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown

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


def _path(region, instance_id):
    return '/regions/{}/cacheInstance/{}/whiteListGroup'.format(quote(region, safe=''), quote(instance_id, safe=''))


def describe(client, region, instance_id):
    """describeWhiteListGroup, normalised."""
    return normalise(client.request('GET', _path(region, instance_id), region).get('whiteLists'))


def add(client, region, instance_id, name, ips):
    return client.request('POST', _path(region, instance_id), region, body=dict(name=name, ips=','.join(ips)))


def modify(client, region, instance_id, name, ips):
    # Setting the same addresses twice leaves the same addresses.
    return client.request(
        'PUT', _path(region, instance_id), region, body=dict(name=name, ips=','.join(ips)), idempotent=True
    )


def delete(client, region, instance_id, name):
    return client.request('DELETE', _path(region, instance_id), region, query=dict(name=name))
