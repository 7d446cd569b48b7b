# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tags of Redis instances: the rules of the tags option and of a tag filter, and the plan of a tag change (the
calls of the resource-tag service are in ``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

# JD Cloud's tag rules (resource-tag service): a key of 1 to 127 characters, a value of at most 255, at most 10
# user tags on a resource, and the key prefixes JD Cloud keeps for its own tags.
TAG_KEY_MAX = 127
TAG_VALUE_MAX = 255
TAGS_MAX = 10
RESERVED_PREFIXES = ('jrn:', 'jdc-')


def tags_problems(option, tags):
    """Problems with a dict of tags given as ``option``, each naming the option and the rule."""
    problems = []
    for key, value in tags.items():
        key_shown = shown(key)
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX or key != key.strip():
            problems.append(
                f'{option}: the key {key_shown} must be 1 to {TAG_KEY_MAX} characters without leading or trailing spaces'
            )
        elif key.lower().startswith(RESERVED_PREFIXES):
            problems.append(
                '{}: the key {} starts with {}, which JD Cloud keeps for its own tags'.format(
                    option, key_shown, ' or '.join(RESERVED_PREFIXES)
                )
            )
        if value is not None and not isinstance(value, (str, int, float, bool)):
            problems.append(f'{option}: the value of {key_shown} must be a string, got {type(value).__name__}')
        elif len(tag_value(value)) > TAG_VALUE_MAX:
            problems.append(
                f'{option}: the value of {key_shown} must be at most {TAG_VALUE_MAX} characters, got {len(tag_value(value))}'
            )
    if len(tags) > TAGS_MAX:
        problems.append(f'{option}: an instance has at most {TAGS_MAX} tags, got {len(tags)}')
    return problems


def tag_value(value):
    """The string the API keeps for a value of the tags option (YAML may make it a number or a boolean)."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def desired_tags(tags):
    return {key: tag_value(value) for key, value in (tags or {}).items()}


def user_tags(tags):
    """The ``userTags`` of createCacheInstance."""
    return [dict(key=key, value=value) for key, value in sorted(desired_tags(tags).items())]


def tag_plan(current, tags, purge):
    """``(to_set, to_remove, after)``: the tags to add or change, those to remove (only with ``purge``), and
    the tags the instance then has."""
    desired = desired_tags(tags)
    current = dict(current or {})
    to_set = {key: value for key, value in desired.items() if current.get(key) != value}
    to_remove = {key: value for key, value in current.items() if key not in desired} if purge else {}
    after = {key: value for key, value in current.items() if key not in to_remove}
    after.update(desired)
    return to_set, to_remove, after


def failures(result):
    """``[(resource id, reason)]`` of a TagResources/UnTagResources answer: the service answers 200 and lists
    the resources it could not tag in ``failedResourcesMap``."""
    data = result.get('data') if isinstance(result, dict) else None
    failed = (data or {}).get('failedResourcesMap') or []
    if isinstance(failed, dict):  # tolerate a map of resource id to reason
        failed = [dict(resourceId=k, msg=v) for k, v in failed.items()]
    return [(item.get('resourceId'), item.get('msg') or 'no reason given') for item in failed if isinstance(item, dict)]


def tag_filters(tags, option='tags'):
    """The API's ``tagFilters`` (``[{key, values}]``) of a tag filter (a dict of keys to a tag value or a list of
    tag values), the values as the API keeps them; ValueError names the option and the rule. The one rule of
    jcs_redis_info and the inventory plugin; an empty list of values is left to each (every list option of the
    inventory must not be empty; an empty list of jcs_redis_info matches nothing)."""
    filters = []
    for key, value in tags.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f'{option} must map non-empty keys to tag values, got the key {shown(key)}')
        values = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
            raise ValueError(
                f'{option} must map keys to tag values: {option}.{key} must be a tag value or a non-empty list of '
                f'tag values (strings), got {shown(value)}'
            )
        filters.append(dict(key=key, values=[tag_value(v) for v in values]))
    return filters


def has_tags(instance, filters):
    """Whether an instance (result shape) matches every filter of ``tag_filters``."""
    have = instance.get('tags') or {}
    return all(have.get(f['key']) in f['values'] for f in filters)


class Tags(Component):
    """The user tags of an instance. ``wanted``: ``tags`` (None: leave them) and ``purge_tags``."""

    key = 'tags'
    what = 'tags'
    argument_spec = dict(
        tags=dict(type='dict'),
        purge_tags=dict(type='bool', default=False),
    )

    def validate(self, wanted):
        if wanted['tags'] is not None:
            problems = tags_problems('tags', wanted['tags'])
            if problems:
                raise Refusal('; '.join(problems))
        return wanted

    def read(self, api, instance_id):
        instance = api.describe(instance_id)
        return None if instance is None else instance['tags']

    def plan(self, current, wanted):
        """Removals first: the limit on the number of tags applies when tags are bound."""
        if wanted['tags'] is None:
            return Plan(current)
        to_set, to_remove, after = tag_plan(current, wanted['tags'], wanted['purge_tags'])
        if len(after) > TAGS_MAX:
            raise Refusal(
                f'tags: the instance would have {len(after)} tags, more than the {TAGS_MAX} JD Cloud allows; remove some, or set '
                'purge_tags: true to remove the tags not in tags'
            )
        writes = [(action, tags) for action, tags in (('untag', to_remove), ('tag', to_set)) if tags]
        return Plan(after, writes, ['tags'] if writes else [])

    def apply(self, api, instance_id, write):
        """One tag call; a 200 answer that lists the instance among the resources it failed for is refused."""
        action, tags = write
        result = (api.tag if action == 'tag' else api.untag)(instance_id, tags)
        failed = failures(result)
        if failed:
            message = '{} the tags {} of instance {} failed: {}'.format(
                'Adding or changing' if action == 'tag' else 'Removing',
                ', '.join(sorted(tags)),
                instance_id,
                '; '.join(f'{resource}: {reason}' for resource, reason in failed),
            )
            raise Refusal(message, status='TAG_FAILED', failed_resources=failed)
        return result

    def holds(self, current, write):
        action, tags = write
        if action == 'tag':
            return all(current.get(key) == value for key, value in tags.items())
        return not any(key in current for key in tags)

    def write_changes(self, current, plan, write):
        return ['tags']

    def context(self, write):
        return ('tag with ' if write[0] == 'tag' else 'remove the tags ') + ', '.join(sorted(write[1]))
