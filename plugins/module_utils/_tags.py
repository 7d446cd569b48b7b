# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tags of Redis instances: the rules of the tags option, the plan of a tag change, and the two operations
of JD Cloud's resource-tag service (its own endpoint and signing name) that change tags after a create.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

from urllib.parse import quote

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown

# JD Cloud's tag rules (resource-tag service): a key of 1 to 127 characters, a value of at most 255, at most 10
# user tags on a resource, and the key prefixes JD Cloud keeps for its own tags.
TAG_KEY_MAX = 127
TAG_VALUE_MAX = 255
TAGS_MAX = 10
RESERVED_PREFIXES = ('jrn:', 'jdc-')
SERVICE_CODE = 'redis'


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


def tag_filter_problem(tags):
    """What is wrong with the tags option of jcs_redis_info (key: value or list of values), or None."""
    for key, value in (tags or {}).items():
        values = value if isinstance(value, list) else [value]
        if not key or any(isinstance(v, (dict, list)) for v in values):
            return f'tags must map non-empty keys to a value or a list of values, got {shown(key)}: {shown(value)}'
    return None


def tag_filters(tags):
    """``tagFilters`` (``[{key, values}]``) of a tags filter, with the values as the API keeps them."""
    return [
        dict(key=key, values=[tag_value(v) for v in (value if isinstance(value, list) else [value])])
        for key, value in (tags or {}).items()
    ]


def has_tags(instance, filters):
    """Whether an instance (result shape) matches every filter of ``tag_filters``."""
    have = instance.get('tags') or {}
    return all(have.get(f['key']) in f['values'] for f in filters)


class TagAPI:
    """TagResources and UnTagResources of JD Cloud's resource-tag service for one region."""

    def __init__(self, client, region):
        self.client = client
        self.region = region

    def _call(self, action, wrapper, instance_id, tags):
        body = {
            wrapper: dict(
                resources=[dict(serviceCode=SERVICE_CODE, resourceId=[instance_id])],
                tags=[dict(key=key, value=value) for key, value in sorted(tags.items())],
            )
        }
        # Binding or unbinding the same tags twice leaves the same tags: safe to resend after a lost answer.
        return self.client.request(
            'POST',
            '/regions/{}/tags:{}'.format(quote(self.region, safe=''), action),
            self.region,
            body=body,
            idempotent=True,
        )

    def tag(self, instance_id, tags):
        return self._call('tagResources', 'tagResources', instance_id, tags)

    def untag(self, instance_id, tags):
        return self._call('unTagResources', 'unTagResources', instance_id, tags)
