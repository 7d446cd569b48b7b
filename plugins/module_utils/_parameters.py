# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Engine parameters of an instance (docs/dev/api-notes.md#config-parameters): the normalised shape and the
checks of wanted values against what the instance itself reports (the calls are in ``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Every rule comes from describeInstanceConfig (type, min/max, optional values, unsupported names), never
from a list of our own, except what the API cannot say in its fields: which keyspace event letters
``A`` stands for, and the client classes and size units of an ``outputBuffer`` value (both Redis's).
"""

import re
from difflib import get_close_matches

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import SHOWN_MAX, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

KEYSPACE_EVENTS = 'notify-keyspace-events'
# Letters of notify-keyspace-events that 'A' does not stand for: the keyspace/keyevent switches and, as
# Redis documents them, key-miss (m) and new-key (n) events.
NOT_IN_ALL = frozenset('KEAmn')
# The order Redis reports the letters in (keyspaceEventsFlagsToString in notify.c, 4.0 to 7.4): 'A' or
# these classes, then these switches; the API reports the value so (docs/dev/api-notes.md#config-parameters).
EVENT_CLASS_ORDER = 'g$lshzxetdn'
EVENT_SWITCH_ORDER = 'KEm'
BUFFER_CLASSES = ('normal', 'slave', 'pubsub')
BUFFER_ALIASES = {'replica': 'slave'}
# Redis's memory units (memtoll): k/m/g are powers of 1000, kb/mb/gb of 1024.
UNITS = {'': 1, 'b': 1, 'k': 1000, 'kb': 1024, 'm': 1000**2, 'mb': 1024**2, 'g': 1000**3, 'gb': 1024**3}
_INTEGER = re.compile(r'[-+]?[0-9]{1,19}\Z')
_SIZE = re.compile(r'([0-9]{1,19})([a-z]{0,2})\Z')


def option(name):
    """The option path of a parameter in messages, a hostile name cut short."""
    return 'parameters.' + (name if len(name) <= SHOWN_MAX else shown(name))


def unknown_name(name, instance_id, catalogue):
    """The message for a name the instance has no settable parameter of."""
    supported = catalogue.supported()
    if name in catalogue.items or name in catalogue.unsupported:
        what = f'instance {instance_id} does not support setting this parameter'
    else:
        what = f'instance {instance_id} has no such parameter'
    # a misspelling, or an old name the instance lists as unsupported (Redis 7 says listpack where 6 said
    # ziplist); never for a parameter JD Cloud manages itself (maxmemory is not maxmemory-policy)
    close = [] if name in catalogue.unsupported else get_close_matches(name, supported, n=1, cutoff=0.7)
    if close:
        what += f' (did you mean {close[0]}?)'
    return '{}: {}; the parameters it supports: {}'.format(option(name), what, ', '.join(supported) or 'none')


class Catalogue:
    """describeInstanceConfig of one instance: ``items`` by name in the API's order, ``unsupported`` names."""

    def __init__(self, result, instance_id=None):
        self.instance_id = instance_id  # named in the refusal of a parameter the instance does not have
        self.items = {}
        for item in (result or {}).get('instanceConfig') or ():
            if isinstance(item, dict) and isinstance(item.get('configName'), str):
                self.items[item['configName']] = item
        self.unsupported = [n for n in (result or {}).get('unSupportConfigs') or () if isinstance(n, str)]

    def values(self):
        """``{name: value}`` as the API reports them (strings), every item included."""
        return {name: item.get('configValue') for name, item in self.items.items()}

    def supported(self):
        return [name for name, item in self.items.items() if not item.get('configUnSupport')]


# -- values --------------------------------------------------------------------------


def value_problem(value):
    """What is wrong with a value whatever the parameter (before any call), or None."""
    if value is None:
        return 'must have a value (use an empty string for an empty value)'
    if isinstance(value, bool):
        return f'must be a string or a number, got a boolean {value} (quote yes/no/on/off/true/false in YAML)'
    if not isinstance(value, (str, int, float)):
        return f'must be a string or a number, got a {type(value).__name__}'
    return None


def _size(text):
    match = _SIZE.match(text.lower())
    if not match or match.group(2) not in UNITS:
        raise ValueError(f'{shown(text)} is not a size (bytes, or a number with k, kb, m, mb, g or gb)')
    return int(match.group(1)) * UNITS[match.group(2)]


def parse_buffer(text):
    """``{class: (hard, soft, seconds)}`` of an outputBuffer value; ValueError says why not."""
    words = text.split()
    if not words or len(words) % 4:
        raise ValueError('must be one or more groups of "<class> <hard limit> <soft limit> <soft seconds>"')
    limits = {}
    for index in range(0, len(words), 4):
        klass, hard, soft, seconds = words[index : index + 4]
        klass = BUFFER_ALIASES.get(klass.lower(), klass.lower())
        if klass not in BUFFER_CLASSES:
            raise ValueError(f'unknown client class {shown(klass)} (normal, slave, replica or pubsub)')
        if klass in limits:
            raise ValueError(f'the client class {klass} is given more than once')
        if not seconds.isdigit() or len(seconds) > 10:
            raise ValueError(f'soft seconds must be a whole number, got {shown(seconds)}')
        limits[klass] = (_size(hard), _size(soft), int(seconds))
    return limits


def render_buffer(limits):
    return ' '.join('{} {} {} {}'.format(k, *limits[k]) for k in BUFFER_CLASSES if k in limits)


def _all_classes(item):
    optional = item.get('configValueOptional') or ()
    return frozenset(c for c in optional if isinstance(c, str) and len(c) == 1 and c not in NOT_IN_ALL)


def event_flags(item, text):
    """The set of keyspace event letters of ``text``, 'A' expanded into the classes it stands for."""
    flags = set(text)
    if 'A' in flags:
        flags.discard('A')
        flags.update(_all_classes(item))
    return frozenset(flags)


def render_events(item, text):
    """``text`` as the API reports it: 'A' when every class it stands for is on, else the classes in Redis's
    order (a letter Redis's order lacks after them); then K, E, m. Beside 'A', n is not reported (Redis 7)."""
    flags = event_flags(item, text)
    classes = _all_classes(item)
    switches = ''.join(c for c in EVENT_SWITCH_ORDER if c in flags)
    if classes and classes <= flags:
        return 'A' + ''.join(sorted(flags - classes - set(EVENT_CLASS_ORDER + EVENT_SWITCH_ORDER))) + switches
    others = sorted(flags - set(EVENT_CLASS_ORDER + EVENT_SWITCH_ORDER))
    return ''.join(c for c in EVENT_CLASS_ORDER if c in flags) + ''.join(others) + switches


def hidden_events(item, text):
    """The letters of ``text`` the API cannot report back (n beside every class 'A' stands for)."""
    return ''.join(sorted(event_flags(item, text) - event_flags(item, render_events(item, text))))


def check(name, item, value):
    """``(to_send, key)`` of a wanted ``value`` for ``item``: the string to send and what it is compared by.
    ValueError names the rule it breaks (without the option's name)."""
    kind = item.get('configValueType')
    optional = [o for o in item.get('configValueOptional') or () if isinstance(o, str)]
    if kind == 'int':
        if isinstance(value, float) or (isinstance(value, str) and not _INTEGER.match(value.strip())):
            raise ValueError(f'must be a whole number, got {shown(value)}')
        number = int(value)
        low, high = item.get('configValueMin'), item.get('configValueMax')
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(
                'must be between {} and {}, got {}'.format(
                    '-infinity' if low is None else low, 'infinity' if high is None else high, number
                )
            )
        return str(number), number
    text = value if isinstance(value, str) else str(value)
    if kind == 'byteArray':
        wrong = sorted(set(text) - set(optional)) if optional else []
        if wrong:
            raise ValueError(
                '{} not allowed: use a combination of {} (case-sensitive), or an empty string'.format(
                    ', '.join(shown(c) for c in wrong), ''.join(optional)
                )
            )
        # keyspace events compare as the API reports them: what it cannot report cannot be compared
        return text, (render_events(item, text) if name == KEYSPACE_EVENTS else frozenset(text))
    if kind == 'outputBuffer':
        limits = parse_buffer(text)
        return render_buffer(limits), limits
    if optional:
        if text in optional:
            return text, text
        # the API's spelling of a value given in another case: Redis reads these names case-insensitively
        match = [o for o in optional if o.lower() == text.lower()]
        if match:
            return match[0], match[0]
        raise ValueError('must be one of {}, got {}'.format(', '.join(optional), shown(text)))
    return text, text


def key_of(name, item, text):
    """What the API's value ``text`` is compared by; None when it cannot be read (it then differs from any)."""
    try:
        return check(name, dict(item, configValueMin=None, configValueMax=None), text)[1]
    except (ValueError, TypeError):
        return None


def same(item, wanted, current):
    """Whether the current key already is the wanted one. An outputBuffer value only sets the classes it
    names, so only those are compared."""
    if item.get('configValueType') == 'outputBuffer' and isinstance(current, dict):
        return all(current.get(k) == v for k, v in wanted.items())
    return wanted == current


def predicted(item, sent, current_text):
    """The value the API should report after ``sent`` was written over ``current_text``."""
    if item.get('configValueType') == 'byteArray' and item.get('configName') == KEYSPACE_EVENTS:
        return render_events(item, sent)
    if item.get('configValueType') == 'outputBuffer':
        try:
            limits = parse_buffer(current_text or '')
        except ValueError:
            return sent
        limits.update(parse_buffer(sent))
        return render_buffer(limits)
    return sent


class Config(Component):
    """The engine parameters of an instance. ``wanted``: ``parameters`` (name to value) and ``reset_unlisted``.
    ``read`` gives the instance's ``Catalogue``, which the plan checks the wanted values against."""

    key = 'config'
    what = 'parameters'
    changes_status = True
    argument_spec = dict(
        parameters=dict(type='dict', default={}),
        reset_unlisted=dict(type='bool', default=False),
    )

    def validate(self, wanted):
        for name, value in wanted['parameters'].items():
            problem = value_problem(value)
            if problem:
                raise Refusal(f'{option(name)} {problem}')
        return wanted

    def read(self, api, instance_id):
        return Catalogue(api.config(instance_id), instance_id)

    def value(self, current):
        return current.values()

    def plan(self, current, wanted):
        """The wanted values checked against the instance's own catalogue (before any write), and one write
        of every parameter that differs."""
        items = current.items
        values = current.values()
        sending, keys, warnings = {}, {}, []
        for name, value in wanted['parameters'].items():
            item = items.get(name)
            if item is None or item.get('configUnSupport'):
                raise Refusal(unknown_name(name, current.instance_id, current))
            try:
                sending[name], keys[name] = check(name, item, value)
            except ValueError as exc:
                raise Refusal(f'{option(name)} ({item.get("configValueType")}) {exc}') from None
            hidden = hidden_events(item, sending[name]) if name == KEYSPACE_EVENTS else ''
            if hidden:
                warnings.append(
                    f'{option(name)}: Redis does not report {hidden} beside A, so whether it is on cannot be '
                    'read back; the value is compared without it'
                )
        if wanted['reset_unlisted']:
            for name in current.supported():
                default = items[name].get('configDefaultValue')
                if name in sending or not isinstance(default, str):
                    continue
                key = key_of(name, items[name], default)
                if key is not None:
                    sending[name], keys[name] = default, key
        changes = {
            name: text
            for name, text in sending.items()
            if not same(items[name], keys[name], key_of(name, items[name], values.get(name)))
        }
        after = dict(values)
        for name, text in changes.items():
            after[name] = predicted(items[name], text, values.get(name))
        return Plan(after, [changes] if changes else [], sorted(changes), warnings)

    def apply(self, api, instance_id, write):
        return api.modify_config(instance_id, write)

    def holds(self, current, write):
        """Every parameter reads as sent."""
        for name, text in write.items():
            item = current.items.get(name) or {}
            if not same(item, key_of(name, item, text), key_of(name, item, item.get('configValue'))):
                return False
        return True

    def context(self, write):
        return 'change the parameters ' + ', '.join(sorted(write))

    def diff(self, current, plan):
        # only the parameters that change: the full configuration would bury them
        values = current.values()
        return {n: values.get(n) for n in plan.changes}, {n: plan.after.get(n) for n in plan.changes}

    def settled(self, api, instance_id, after, waited):
        # once the instance runs again, the values in the API's own form (KEA is reported AKE)
        return self.read(api, instance_id).values() if waited else after
