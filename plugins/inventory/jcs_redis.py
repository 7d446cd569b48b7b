# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
name: jcs_redis
short_description: JD Cloud JCS for Redis instances as an inventory source
version_added: 1.1.0
description:
  - Lists the JCS for Redis instances of one or more regions of a JD Cloud account and makes each one a host, with the
    instance in the variable C(jcs_redis), for playbooks that manage the instances from the controller. The hosts
    have the connection variables for that (see O(local_connection)), so such a play needs neither
    C(connection=local) nor C(delegate_to=localhost).
  - The inventory source is a YAML file whose name ends in C(jcs_redis.yml) or C(jcs_redis.yaml) and that sets
    O(plugin) to V(jdcloud.cloud.jcs_redis).
  - O(access_key), O(secret_key), O(regions) and O(endpoint) set in the file may be Jinja2 templates, for example a
    lookup or a variable given with C(--extra-vars); values from the environment variables are used as they are.
  - The instances are listed the way M(jdcloud.cloud.jcs_redis_info) lists them. Every page of each region is read,
    the pages after the first on up to O(concurrency) connections at once, and a listing of more than 100 instances
    is read until two reads agree, so an instance that exists for the whole listing is never missing because others
    were created, renamed or deleted meanwhile. A region of N instances costs one call when N is at most 100,
    otherwise about 2 * N / 100 calls. The filters are sent to the API, so only matching instances are transferred.
  - Each host has these variables. C(jcs_redis), the instance in exactly the shape
    M(jdcloud.cloud.jcs_redis_info) returns each element of its C(instances) (C(id), C(name), C(status),
    C(region), C(redis_version), C(instance_type), C(connection_domain), C(port), C(tags), ...), among them
    C(jcs_redis.maintenance_window), the instance's maintenance window in UTC as V(HH:MM-HH:MM +0000) (null when it
    has none), read with the listing at no extra call.
    C(ansible_host), the connection domain of the instance. C(ansible_port), the port clients connect to.
    C(ansible_connection) and C(ansible_python_interpreter), unless O(local_connection=false).
    The instance's password is never returned by the API and never appears in any variable.
  - A value read from the API that could hold a template (a description or tag with C({{), C({%) or C({#)) is never
    templated, so it stays text; C(ansible-inventory --list) shows such a value as a dictionary with the key
    C(__ansible_unsafe). Every other value is a plain string, which AWX imports as it is.
  - The variables made by O(compose) follow the same rule; a composed string is plain unless it holds a template
    marker (which can only come from the instance's data). ansible-core 2.19 and newer mark every string that an
    inventory plugin composes as untrusted, also with its own C(ansible.builtin.constructed) plugin, and
    C(ansible-inventory --list) and C(--export) then write each as an C(__ansible_unsafe) dictionary, which AWX
    imports as a dictionary; this plugin marks the composed strings without template markers as trusted instead.
  - Host names that Ansible reserves or that a host pattern cannot select are not used (see O(hostnames)). A group
    of O(keyed_groups) or O(groups) named V(all) or V(ungrouped) (Ansible's own groups) or named like a host of the
    inventory (a host pattern would then select the host and never the group) is not made, and its hosts are named in a
    warning; with O(strict=true) such a group fails the inventory instead.
  - A keyed group of the tags (C(key=jcs_redis.tags), C(prefix=tag)) is named C(tag_<key>_<value>); a tag with an
    empty value, for example C(owner), makes the group C(tag_owner_), Ansible's rule for every inventory plugin. Set
    C(default_value=none) in the O(keyed_groups) entry for C(tag_owner_none), or C(trailing_separator=false) for
    C(tag_owner).
  - The instance is one variable rather than one variable per field because C(name), C(port) and C(tags) are
    reserved names in Ansible, which warns about hosts that define them.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - constructed
  - inventory_cache
requirements:
  - requests
options:
  plugin:
    description: Marks the file as an inventory source of this plugin.
    required: true
    type: str
    choices: [jdcloud.cloud.jcs_redis]
  access_key:
    description:
      - JD Cloud access key (AccessKey ID) used to sign the requests.
      - If not set, the value of the E(JDCLOUD_ACCESS_KEY) environment variable is used; an empty variable counts as
        not set.
      - Either this option or the environment variable is required.
    type: str
    env:
      - name: JDCLOUD_ACCESS_KEY
  secret_key:
    description:
      - JD Cloud secret key (AccessKey secret) used to sign the requests.
      - If not set, the value of the E(JDCLOUD_SECRET_KEY) environment variable is used; an empty variable counts as
        not set.
      - Either this option or the environment variable is required. It is never shown in any output; keep it out of
        the inventory file (use the environment variable, or an AWX credential).
    type: str
    env:
      - name: JDCLOUD_SECRET_KEY
  regions:
    description:
      - The JD Cloud region IDs whose instances are listed, for example V(cn-north-1).
      - If not set, the value of the E(JDCLOUD_REGION) environment variable is used, which may name several regions
        separated by commas; an empty variable counts as not set.
      - Either this option or the environment variable is required.
    type: list
    elements: str
    aliases: [region]
    env:
      - name: JDCLOUD_REGION
  endpoint:
    description:
      - Base URL of the JD Cloud Redis API.
      - If not set, the value of the E(JDCLOUD_ENDPOINT) environment variable is used, then the default, the JD Cloud
        API. An empty E(JDCLOUD_ENDPOINT) counts as not set (AWX injects an empty string for a credential field left
        empty); an empty O(endpoint) is refused.
      - Point it at the emulator shipped with this collection, for example V(http://127.0.0.1:8765), to try the
        inventory offline.
      - A plain C(http://) endpoint that is not on the loopback interface triggers a warning, because the requests
        would travel unencrypted.
    type: str
    default: https://redis.jdcloud-api.com
    env:
      - name: JDCLOUD_ENDPOINT
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
      - How many times a failed request is retried when the failure is temporary (HTTP 429 throttling, HTTP 5xx,
        connection errors and timeouts), with capped exponential backoff; from 0 (no retries) to 100.
    type: int
    default: 5
  concurrency:
    description:
      - How many pages of a region's listing are fetched at the same time, on as many connections, once the first page
        has been read. V(1) fetches one page after the other. From 1 to 16.
    type: int
    default: 8
  statuses:
    description:
      - Only list instances in one of these statuses.
      - When not set, instances in every status are listed, including those being created or deleted.
    type: list
    elements: str
    choices: [creating, running, error, changing, deleting, configuring, restoring, upgrading]
  redis_versions:
    description:
      - Only list instances of one of these Redis engine versions, for example V(5.0).
      - V(5), V(5.0) and V(5.0.14) all mean V(5.0).
    type: list
    elements: str
  instance_types:
    description:
      - Only list instances of one of these architectures, as C(jcs_redis.instance_type) reports it.
    type: list
    elements: str
    choices: [master-slave, cluster, native-cluster]
  names:
    description:
      - Only list instances named exactly one of these names (case matters).
    type: list
    elements: str
  tags:
    description:
      - Only list instances that have every one of these tags; the value of each key is the tag value, or a list of
        values of which the instance's tag must have one.
      - Sent to the API as its C(tagFilters).
    type: dict
  hostnames:
    description:
      - How each instance is named in the inventory.
      - V(name), the instance name. Names are not unique on JD Cloud; instances that would get the same host name are
        named by their IDs instead, with a warning.
      - V(id), the instance ID, which never changes and is unique; renaming an instance does not rename its host.
      - Anything else is a Jinja2 template with the host's variables, for example
        V({{ jcs_redis.name }}_{{ jcs_redis.region }}). Instances whose names collide are named by their IDs, with a
        warning, and so are instances for which the template gives an empty name or fails (with O(strict), a failing
        template fails the inventory instead).
      - Whatever the choice, a name Ansible reserves (V(all) and V(ungrouped), its own groups; V(localhost),
        V(127.0.0.1) and V(::1), which stand for the controller) or that a host pattern cannot select (one with
        whitespace, a comma, a colon, a bracket, C(*) or C(?), or starting with C(!), C(&) or C(~)) is replaced by the
        instance ID, with a warning. V(all), V(ungrouped) and V(localhost) are valid JD Cloud instance names.
    type: str
    default: name
  local_connection:
    description:
      - Whether each host gets the variables C(ansible_connection=local) and
        C(ansible_python_interpreter={{ ansible_playbook_python }}), so that a play over the hosts runs its tasks on
        the controller, with the Python that runs C(ansible-playbook), without setting C(connection) to C(local) in the play,
        without SSH to the instance's domain and without interpreter discovery (and its warning) for each host.
      - The variables are host variables, so they take precedence over the play's C(connection) keyword and
        C(ansible-playbook --connection); set this option to V(false) to leave them out, for example to connect to
        the hosts some other way, or set them for a group in C(group_vars).
    type: bool
    default: true
    version_added: 1.1.0
  posture:
    description:
      - Give each host the findings of a security review in C(jcs_redis.posture), as
        O(jdcloud.cloud.jcs_redis_info#module:include=posture) returns them (each with an C(id), a C(severity), a
        C(message) and the C(fix)), so that O(keyed_groups) can make groups of the instances to fix, such as
        C(posture_whitelist_open) (see the examples).
      - Costs four API calls per instance (its white list, backup policy, TLS and disabled commands), on up to
        O(concurrency) connections; off by default. With O(cache), the findings are cached with the listing.
    type: bool
    default: false
    version_added: 1.1.0
'''

EXAMPLES = r'''
# File redis.jcs_redis.yml: every instance of two regions, grouped by version, status, region and tags.
# Credentials come from JDCLOUD_ACCESS_KEY and JDCLOUD_SECRET_KEY (an AWX credential injects them).
plugin: jdcloud.cloud.jcs_redis
regions:
  - cn-north-1
  - cn-east-2
keyed_groups:
  # redis_version_5_0, redis_version_4_0, ...
  - prefix: redis_version
    key: jcs_redis.redis_version
  # status_running, status_error, ...
  - prefix: status
    key: jcs_redis.status
  - prefix: type
    key: jcs_redis.instance_type
  - prefix: region
    key: jcs_redis.region
  # tag_team_orders for the tag team=orders; tag_owner_ for a tag owner with an empty value
  # (add default_value: none for tag_owner_none)
  - prefix: tag
    key: jcs_redis.tags
groups:
  # instances that accept connections without a password
  no_auth: not jcs_redis.auth_enabled
  # instances without a maintenance window, where a change planned for the window cannot be scheduled
  no_maintenance_window: jcs_redis.maintenance_window is none

---
# File posture.jcs_redis.yml: the instances to fix, grouped by finding (posture_whitelist_open, posture_no_password,
# posture_tls_off, ...) and by severity (severity_high, ...): an AWX inventory of the work of a security review.
plugin: jdcloud.cloud.jcs_redis
regions: [cn-north-1]
posture: true
keyed_groups:
  - prefix: posture
    key: jcs_redis.posture | map(attribute='id') | list
  - prefix: severity
    key: jcs_redis.posture | map(attribute='severity') | unique | list

---
# File running.jcs_redis.yml: only running 5.0 and 6.2 clusters of the team "orders", named by ID,
# with a variable of their own, and the listing cached for ten minutes.
plugin: jdcloud.cloud.jcs_redis
regions: [cn-north-1]
statuses: [running]
redis_versions: ['5.0', '6.2']
instance_types: [cluster, native-cluster]
tags:
  team: orders
  env: [prod, staging]
hostnames: id
compose:
  redis_url: "'redis://' ~ jcs_redis.connection_domain ~ ':' ~ jcs_redis.port"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/jcs_redis_inventory
cache_timeout: 600

---
# File emulator.jcs_redis.yml: the emulator shipped with the collection, named instances only.
plugin: jdcloud.cloud.jcs_redis
endpoint: http://127.0.0.1:8765
regions: cn-north-1
names: [orders_cache, sessions]
hostnames: "{{ jcs_redis.name }}_{{ jcs_redis.region | replace('-', '_') }}"

# A playbook over these hosts runs its tasks on the controller, as the hosts' variables ansible_connection and
# ansible_python_interpreter say (local_connection: false leaves them out):
#   - hosts: redis_version_5_0
#     gather_facts: false
#     tasks:
#       - name: Who may connect
#         jdcloud.cloud.jcs_redis_whitelist:
#           region: "{{ jcs_redis.region }}"
#           instance_id: "{{ jcs_redis.id }}"
#           ...
'''

import difflib
import hashlib
import json
import math
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.template import trust_as_template

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import RedisAPI
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import (
    REGION_PATTERN,
    connection_problem,
    error_dict,
    explain,
    new_client,
    plain_http_warning,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import DEFAULT_ENDPOINT, JDCloudError, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._posture import SETTINGS, findings, read_settings
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import name_problem, normalize_version
from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import has_tags, tag_filters

CONCURRENCY_MIN = 1
CONCURRENCY_MAX = 16
# The API's instanceType filter has words for two of the three architectures.
INSTANCE_TYPE_FILTER = {'master-slave': 'redis', 'cluster': 'redis_cluster'}
# Bumped when the cached shape changes, so that an old cache entry is read again from the API.
CACHE_FORMAT = 2
# Collisions named in one warning; the others are counted.
COLLISIONS_SHOWN = 10
# Ansible's own groups: a host or a made group of either name breaks the inventory.
RESERVED_GROUPS = frozenset(('all', 'ungrouped'))
# What Ansible's host patterns read as operators: separators, whitespace, subscripts, wildcards, and a leading
# exclusion, intersection or regular-expression mark.
HOST_PATTERN_OPERATORS = re.compile(r'[\s,:\[\]*?]|\A[!&~]')
# Every task over these hosts runs on the controller, with the Python that runs ansible-playbook (which has requests);
# a template, so that it is the Python of wherever the play runs (an AWX execution environment).
CONTROLLER_VARIABLES = dict(ansible_connection='local', ansible_python_interpreter='{{ ansible_playbook_python }}')


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'jdcloud.cloud.jcs_redis'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('jcs_redis.yml', 'jcs_redis.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        try:
            config = self._read_config_data(path)
        except OverflowError:
            # ansible-core's int conversion fails on infinity without naming the option
            raise AnsibleParserError(self._infinite_options(path)) from None
        self._refuse_unknown_options(config)
        settings = self._settings()

        cache_key = self._listing_cache_key(path, settings)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        instances = None
        if use_cache:
            instances = self._cached(cache_key)
            update_cache = instances is None
        if instances is None:
            instances = self._list(settings)
        if update_cache:
            self._cache[cache_key] = dict(format=CACHE_FORMAT, instances=instances)
        self._populate(instances, settings['hostnames'])

    # -- options ---------------------------------------------------------------------------

    def _definitions(self):
        return C.config.get_configuration_definitions('inventory', self._load_name)

    def _refuse_unknown_options(self, config):
        """Ansible ignores a key of the file that is no option; a misspelt filter would then list every
        instance."""
        definitions = self._definitions()
        known = set(definitions)
        for definition in definitions.values():
            known.update(definition.get('aliases') or ())
        unknown = sorted(str(key) for key in config if key not in known)
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hints.append(f'{key!r} (did you mean {close[0]}?)' if close else repr(key))
            raise AnsibleParserError(
                'unknown option{} {} in the inventory file; ansible-doc -t inventory {} lists the options'.format(
                    '' if len(unknown) == 1 else 's', ', '.join(hints), self.NAME
                )
            )

    def _infinite_options(self, path):
        config = self.loader.load_from_file(path, cache='none') or {}
        names = [
            name
            for name, definition in self._definitions().items()
            if definition.get('type') in ('int', 'integer') and _is_infinite(config.get(name))
        ]
        return '{} must be a whole number, got infinity'.format(' and '.join(names) or 'an integer option')

    def _option(self, name):
        """The option's value, an empty environment variable counting as not set (AWX sets a variable
        for every field of a credential, also the empty ones). A value from the inventory file may be a
        template (a lookup, a variable of --extra-vars); one from the environment is taken as it is, since a
        key that happens to hold ``{{`` is no template."""
        value, origin = self.get_option_and_origin(name)
        if str(origin).startswith('env:'):
            return None if value in ('', ['']) else value
        # the extra variables (-e) are the only variables there are before the hosts
        self.templar.available_variables = self._vars
        try:
            if isinstance(value, str):
                return self.templar.template(value)
            if isinstance(value, list):
                return [self.templar.template(item) if isinstance(item, str) else item for item in value]
        except Exception as exc:  # pylint: disable=broad-except
            # the error would quote the template, which may hold a key
            detail = '' if name == 'secret_key' else f': {exc}'
            raise AnsibleParserError(f'{name} is a template that could not be rendered{detail}') from None
        return value

    def _settings(self):
        """Every option checked before any call, failing with the option's name and rule."""
        params = dict(
            access_key=self._option('access_key'),
            secret_key=self._option('secret_key'),
            endpoint=self._option('endpoint'),
            validate_certs=self.get_option('validate_certs'),
            ca_path=self.get_option('ca_path'),
            api_timeout=self.get_option('api_timeout'),
            api_retries=self.get_option('api_retries'),
        )
        if params['endpoint'] is None:
            params['endpoint'] = DEFAULT_ENDPOINT
        problem = connection_problem(params)
        if problem:
            raise AnsibleParserError(problem)
        concurrency = self.get_option('concurrency')
        if not CONCURRENCY_MIN <= concurrency <= CONCURRENCY_MAX:
            raise AnsibleParserError(
                f'concurrency must be between {CONCURRENCY_MIN} and {CONCURRENCY_MAX}, got {concurrency}'
            )
        return dict(
            connection=params,
            concurrency=concurrency,
            regions=self._regions(),
            statuses=self._nonempty_list('statuses', 'in every status'),
            redis_versions=self._versions(),
            instance_types=self._nonempty_list('instance_types', 'of every architecture'),
            names=self._names(),
            tags=self._tags(),
            hostnames=self._hostnames_option(),
            posture=self.get_option('posture'),
        )

    def _regions(self):
        regions = self._option('regions')
        if regions is None:
            raise AnsibleParserError('Missing region: set regions (or the environment variable JDCLOUD_REGION)')
        if not regions:
            raise AnsibleParserError('regions must name at least one region')
        for region in regions:
            if not isinstance(region, str) or not REGION_PATTERN.match(region):
                raise AnsibleParserError(
                    f'regions must be JD Cloud region IDs such as cn-north-1, got {shown(region)} in {shown(regions)}'
                )
        return list(dict.fromkeys(regions))

    def _nonempty_list(self, option, meaning):
        value = self.get_option(option)
        if value is not None and not value:
            # An empty list would otherwise either list nothing or everything: neither is likely meant.
            raise AnsibleParserError(f'{option} must not be empty; omit the option to list instances {meaning}')
        return value

    def _versions(self):
        versions = self._nonempty_list('redis_versions', 'of every Redis version')
        if versions is None:
            return None
        normalized = []
        for version in versions:
            value = normalize_version(version)
            if value is None:
                raise AnsibleParserError(f'redis_versions must be versions such as 5.0, got {shown(version)}')
            normalized.append(value)
        return list(dict.fromkeys(normalized))

    def _names(self):
        names = self._nonempty_list('names', 'whatever their names')
        for name in names or ():
            # a name the API would refuse names no instance; a long one would only make the request too long
            problem = name_problem(name) if isinstance(name, str) else 'must be a string'
            if problem:
                raise AnsibleParserError(f'names: each name {problem}, got {shown(name)}')
        return names

    def _tags(self):
        tags = self.get_option('tags')
        if tags is None:
            return None
        if not tags:
            raise AnsibleParserError('tags must not be empty; omit the option to list instances whatever their tags')
        try:
            filters = tag_filters(tags)
        except ValueError as exc:
            raise AnsibleParserError(str(exc)) from None
        for tag_filter in filters:
            if not tag_filter['values']:
                raise AnsibleParserError(
                    f'tags.{tag_filter["key"]} must be a tag value or a non-empty list of tag values (strings), got []'
                )
        return filters

    def _hostnames_option(self):
        value = self.get_option('hostnames')
        if value in ('id', 'name'):
            return value
        if isinstance(value, str) and self.templar.is_possibly_template(value):
            return value
        raise AnsibleParserError(
            'hostnames must be id, name or a Jinja2 template such as "{{ jcs_redis.name }}_{{ jcs_redis.region }}", '
            f'got {shown(value)}'
        )

    # -- listing ---------------------------------------------------------------------------

    def _listing_cache_key(self, path, settings):
        """The cache key of the source file and of what it lists: a cache filled for other regions, filters,
        endpoint or account is not used. The secret key is not part of it."""
        listing = dict(settings, hostnames=None, connection=dict(settings['connection'], secret_key=None))
        digest = hashlib.sha256(json.dumps(listing, sort_keys=True, default=str).encode()).hexdigest()[:16]
        return f'{self.get_cache_key(path)}_{digest}'

    def _cached(self, key):
        try:
            entry = self._cache[key]
        except KeyError:
            return None
        if not isinstance(entry, dict) or entry.get('format') != CACHE_FORMAT:
            return None
        instances = entry.get('instances')
        if not isinstance(instances, list) or not all(isinstance(i, dict) and i.get('id') for i in instances):
            return None
        return instances

    def _list(self, settings):
        try:
            client = new_client(settings['connection'], settings['concurrency'])
        except JDCloudError as exc:  # the endpoint: the other options are checked
            raise AnsibleParserError(exc.message) from None
        warning = plain_http_warning(client.endpoint)
        if warning:
            self.display.warning(warning)
        instances = []
        with client:
            for region in settings['regions']:
                instances.extend(self._list_region(RedisAPI(client, region), settings))
        return instances

    def _list_region(self, api, settings):
        region = api.region
        try:
            found, settled = api.list_instances(
                filters=server_filters(settings),
                tag_filters=settings['tags'],
                concurrency=settings['concurrency'],
            )
        except JDCloudError as exc:
            error = error_dict(exc)
            hint = ''
            if error['code'] in (400, 404) and error['status'] in ('INVALID_ARGUMENT', 'NOT_FOUND', 'BAD_REQUEST'):
                hint = ' (check that regions names regions of the account)'
            raise AnsibleError(
                f'Could not list the Redis instances of region {region}: {explain(exc)}{hint}. '
                f'error: code={error["code"]}, status={error["status"]}, request_id={error["request_id"]}'
            ) from None
        if not settled:
            self.display.warning(
                f'The Redis instances of region {region} kept changing while they were listed; instances created or '
                'deleted during the listing may be missing or still listed'
            )
        found = [instance for instance in found if matches(instance, settings)]
        if settings['posture'] and found:
            now = time.time()

            def review(instance):
                instance['posture'] = findings(instance, read_settings(api, instance['id'], SETTINGS), now)

            try:
                with ThreadPoolExecutor(max_workers=min(settings['concurrency'], len(found))) as pool:
                    list(pool.map(review, found))
            except JDCloudError as exc:
                error = error_dict(exc)
                raise AnsibleError(
                    f'Could not read the settings of the Redis instances of region {region} for posture: {explain(exc)}. '
                    f'error: code={error["code"]}, status={error["status"]}, request_id={error["request_id"]}'
                ) from None
        return found

    # -- hosts -----------------------------------------------------------------------------

    def _populate(self, instances, hostnames):
        strict = self.get_option('strict')
        compose, groups, keyed_groups = (self.get_option(o) for o in ('compose', 'groups', 'keyed_groups'))
        # trusted, the interpreter's template too: it is the plugin's own, meant to be rendered by the play
        controller = (
            {k: trust_as_template(v) for k, v in CONTROLLER_VARIABLES.items()}
            if self.get_option('local_connection')
            else {}
        )
        instances = [self._inert(instance) for instance in instances]
        hosts = self._host_names(instances, hostnames, strict)
        # every host first, so that a group named like any of them is known as such
        for host in hosts:
            self.inventory.add_host(host)
        guard = _GroupGuard(self.inventory, RESERVED_GROUPS | set(self.inventory.hosts), strict)
        for instance, host in zip(instances, hosts):
            for key, value in dict(host_variables(instance), **controller).items():
                self.inventory.set_variable(host, key, value)
            host_vars = self.inventory.get_host(host).get_vars()
            self._compose_variables(compose, host_vars, host, strict)
            inventory, self.inventory = self.inventory, guard
            try:
                self._add_host_to_composed_groups(groups, {}, host, strict=strict)
                self._add_host_to_keyed_groups(keyed_groups, {}, host, strict=strict)
            finally:
                self.inventory = inventory
        guard.warn(self.display)

    def _compose_variables(self, compose, host_vars, host, strict):
        """Constructable's compose, with each result's strings that cannot be templates trusted (see _inert): ansible-core
        leaves every composed string untrusted, which ansible-inventory writes as a dictionary."""
        for name, expression in (compose or {}).items():
            try:
                value = self._compose(expression, host_vars)
            except Exception as exc:  # pylint: disable=broad-except
                if strict:
                    raise AnsibleError(f'Could not set {name} for host {host}: {exc}') from None
                continue
            self.inventory.set_variable(host, name, self._inert(value))

    def _inert(self, value):
        """``value`` with its strings that cannot be templates marked trusted. Ansible treats every other string
        of an inventory plugin as untrusted, and ``ansible-inventory --list`` writes each as an
        ``{"__ansible_unsafe": ...}`` dictionary, which AWX imports as a dictionary instead of the string (an
        ``ansible_host`` that is a dictionary cannot be connected to). A string without template markers renders
        as itself, so trusting it changes nothing else; one with markers stays untrusted and is never rendered."""
        if isinstance(value, str):
            return value if self.templar.is_possibly_template(value) else trust_as_template(value)
        if isinstance(value, dict):
            return {key: self._inert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._inert(item) for item in value]
        return value

    def _host_names(self, instances, hostnames, strict):
        """One host name per instance; instances whose names collide, or that have none, get their IDs."""
        wanted = []
        for instance in instances:
            if hostnames == 'id':
                wanted.append(instance['id'])
            elif hostnames == 'name':
                wanted.append(instance['name'] or instance['id'])
            else:
                wanted.append(self._rendered_hostname(hostnames, instance, strict))
        names = list(wanted)
        unusable = {}
        for index, name in enumerate(wanted):
            problem = host_name_problem(name)
            if problem and name != instances[index]['id']:
                unusable.setdefault(name, [problem, []])[1].append(instances[index]['id'])
                names[index] = instances[index]['id']
        if unusable:
            shown = sorted(unusable)[:COLLISIONS_SHOWN]
            more = len(unusable) - len(shown)
            self.display.warning(
                'hostnames: {} host name{} Ansible reserves or cannot select in a host pattern, so these instances are '
                'named by their IDs: {}{}'.format(
                    len(unusable),
                    ' is one' if len(unusable) == 1 else 's are ones',
                    '; '.join(
                        '{!r} ({}): {}'.format(name, ', '.join(sorted(unusable[name][1])), unusable[name][0])
                        for name in shown
                    ),
                    f'; and {more} more' if more else '',
                )
            )
        collided = {}
        while True:
            counts = Counter(names)
            clashes = [i for i, name in enumerate(names) if counts[name] > 1 and name != instances[i]['id']]
            if not clashes:
                break
            for index in clashes:
                collided.setdefault(wanted[index], []).append(instances[index]['id'])
                names[index] = instances[index]['id']
        if collided:
            shown = sorted(collided)[:COLLISIONS_SHOWN]
            more = len(collided) - len(shown)
            self.display.warning(
                'hostnames: {} host name{} would name several instances, so these instances are named by their IDs: {}{}'.format(
                    len(collided),
                    '' if len(collided) == 1 else 's',
                    '; '.join('{!r} ({})'.format(name, ', '.join(sorted(collided[name]))) for name in shown),
                    f'; and {more} more' if more else '',
                )
            )
        return names

    def _rendered_hostname(self, template, instance, strict):
        self.templar.available_variables = host_variables(instance)
        try:
            name = self.templar.template(template)
        except Exception as exc:  # pylint: disable=broad-except
            if strict:
                raise AnsibleParserError(
                    f'hostnames: the template {template!r} failed for instance {instance["id"]}: {exc}'
                ) from None
            self.display.warning(
                f'hostnames: the template failed for instance {instance["id"]}, which is named by its ID: {exc}'
            )
            return instance['id']
        name = '' if name is None else str(name).strip()
        if not name:
            self.display.warning(
                f'hostnames: the template gave an empty name for instance {instance["id"]}, which is named by its ID'
            )
            return instance['id']
        return name


def _is_infinite(value):
    try:
        return math.isinf(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def server_filters(settings):
    """The API's filters for the options; the names filter of the API matches parts of names, and it
    has no word for native-cluster, so matches() checks each instance too."""
    filters = []
    if settings['statuses']:
        filters.append(dict(name='cacheInstanceStatus', values=list(settings['statuses'])))
    if settings['redis_versions']:
        filters.append(dict(name='redisVersion', values=list(settings['redis_versions'])))
    types = settings['instance_types']
    if types and all(t in INSTANCE_TYPE_FILTER for t in types):
        filters.append(dict(name='instanceType', values=[INSTANCE_TYPE_FILTER[t] for t in types]))
    if settings['names']:
        filters.append(dict(name='cacheInstanceName', values=list(settings['names'])))
    return filters


def matches(instance, settings):
    """Every filter, checked on the instance as listed."""
    if settings['statuses'] and instance['status'] not in settings['statuses']:
        return False
    if settings['redis_versions'] and normalize_version(instance['redis_version']) not in settings['redis_versions']:
        return False
    if settings['instance_types'] and instance['instance_type'] not in settings['instance_types']:
        return False
    if settings['names'] and instance['name'] not in settings['names']:
        return False
    return has_tags(instance, settings['tags'] or ())


def host_variables(instance):
    return dict(jcs_redis=instance, ansible_host=instance['connection_domain'], ansible_port=instance['port'])


def host_name_problem(name):
    """Why Ansible cannot have ``name`` as a host name, or None."""
    if name in RESERVED_GROUPS:
        return "the name of one of Ansible's own groups"
    if name in C.LOCALHOST:
        return "Ansible's name for the controller"
    if HOST_PATTERN_OPERATORS.search(name):
        return 'a host pattern would read part of it as an operator'
    return None


class _RefusedGroup(str):
    """A group name the guard did not make, as the constructed helpers pass it on."""


class _GroupGuard:
    """The inventory as Constructable's group helpers see it: a group they would make under a name of ``refused`` (one
    of Ansible's own groups, or a host's name, which hides the group from every host pattern) is not made. A group
    ``all`` or ``ungrouped`` made by a plugin breaks the whole inventory (a dependency loop, or a crash)."""

    def __init__(self, inventory, refused, strict):
        self._inventory = inventory
        self._refused = refused
        self._strict = strict
        self.skipped = {}

    def __getattr__(self, name):
        return getattr(self._inventory, name)

    def _refuse(self, group, member=None):
        why = "it is one of Ansible's own groups" if group in RESERVED_GROUPS else 'a host has that name'
        if self._strict:
            raise AnsibleParserError(f'keyed_groups, groups: the group {str(group)!r} is not made: {why}')
        members = self.skipped.setdefault(str(group), [why, set()])[1]
        if member is not None:
            members.add(str(member))

    def add_group(self, group):
        if group in self._refused:
            self._refuse(group)
            return _RefusedGroup(group)
        return self._inventory.add_group(group)

    def add_host(self, host, group=None, port=None):
        if isinstance(group, _RefusedGroup):
            self._refuse(group, host)
            return host
        return self._inventory.add_host(host, group, port)

    def add_child(self, group, child):
        if isinstance(group, _RefusedGroup) or group in self._refused:
            self._refuse(group, child)
            return False
        if isinstance(child, _RefusedGroup):
            return False
        return self._inventory.add_child(group, child)

    def warn(self, display):
        if not self.skipped:
            return
        display.warning(
            'keyed_groups, groups: {} group{} not made, because Ansible reserves the name or a host has it; the hosts '
            'that would have joined: {}'.format(
                len(self.skipped),
                ' is' if len(self.skipped) == 1 else 's are',
                '; '.join(
                    '{!r} ({}): {}'.format(group, ', '.join(sorted(members)) or 'none', why)
                    for group, (why, members) in sorted(self.skipped.items())
                ),
            )
        )
