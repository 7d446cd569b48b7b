# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests the collection as users get it: the tarball of ``ansible-galaxy collection build``, installed with
``ansible-galaxy collection install``, and nothing from this checkout.

1. builds the tarball and fails if it holds files a user must not get (virtual environments, caches, test
   output, built docs, tarballs) or lacks files a user needs;
2. installs it into a temporary collections path;
3. starts the emulator from the installed copy (with ``-B``, through the installed copy's own launcher),
   renders the AWX credential type's injectors (as AWX does) into the environment, and runs a playbook (quota,
   create, info, delete, with assertions) with only the installed copy on the collections path; then runs
   ansible-inventory with the jcs_redis inventory plugin, with the same environment;
4. runs ansible-doc on the installed modules, inventory plugin and roles;
5. creates the execution environment build context of extras/ee with ansible-builder, installs the collection
   into a directory as that build would, and checks what ansible-builder's introspection finds in it;
6. installs the emulator with pip from the installed collection and checks that the collection still passes
   ``ansible-galaxy collection verify --offline``.

Run it as ``bash scripts/test -s package``: the nox session installs the tools (ansible-core, requests,
ansible-builder, pinned in tests/requirements-package.txt), puts them on PATH and runs this file with
``python -B``. Everything runs on 127.0.0.1; the emulator is stopped and the temporary files are removed.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

sys.dont_write_bytecode = True  # nothing may land in the installed collection (step 6 verifies it)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCESS_KEY = 'EMULATORACCESSKEY0000000000000001'
SECRET_KEY = 'EMULATORSECRETKEY000000000000000x9'
SMOKE_PASSWORD = 'Smoke1234pass'
# Path components (anywhere) and path prefixes a user must not get.
FORBIDDEN_COMPONENTS = (
    '.venv', '.venvs', '.nox', '__pycache__', '.pytest_cache', '.hypothesis', '.mypy_cache', '.git', '.ansible',
    '*.egg-info',
)  # fmt: skip
FORBIDDEN_PREFIXES = ('tests/output', 'docs/build')
FORBIDDEN_NAMES = ('*.tar.gz', '*.pyc', 'changelogs/.plugin-cache.yaml')
REQUIRED = [
    'MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'meta/runtime.yml',
    'meta/execution-environment.yml', 'meta/ee-requirements.txt', 'meta/ee-bindep.txt',
    'plugins/doc_fragments/common.py', 'plugins/module_utils/_client.py', 'plugins/inventory/jcs_redis.py',
    'emulator/jdcloud_redis_emulator/__main__.py', 'emulator/jdcloud_redis_emulator/testing.py',
    'extras/awx/credential_type.yml', 'extras/ee/execution-environment.yml', 'extras/ee/requirements.yml',
    'docs/docsite/extra-docs.yml', 'docs/docsite/links.yml', 'docs/docsite/rst/guide.rst', 'docs/docsite/rst/awx.rst',
    'changelogs/changelog.yaml',
]  # fmt: skip

SMOKE_PLAYBOOK = """\
---
- name: Smoke test of the installed collection against the emulator
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    endpoint: "{{ lookup('ansible.builtin.env', 'JDCLOUD_ENDPOINT') }}"
    instance_name: package_smoke
  tasks:
    - name: Read the quota (region, keys and endpoint come from the environment)
      jdcloud.cloud.jcs_redis_quota:
        min_available: 1
      register: quota

    - name: Create an instance
      jdcloud.cloud.jcs_redis_instance:
        name: "{{ instance_name }}"
        instance_class: redis.m.micro.basic
        redis_version: "5.0"
        vpc_id: vpc-smoke0001
        subnet_id: subnet-smoke0001
        master_az: cn-north-1a
        slave_az: cn-north-1b
        password: Smoke1234pass
      register: created

    - name: Create it again with a tag, through the resource-tag service (JDCLOUD_TAG_ENDPOINT is empty)
      jdcloud.cloud.jcs_redis_instance:
        name: "{{ instance_name }}"
        instance_class: redis.m.micro.basic
        password: Smoke1234pass
        tags: {team: smoke}
      register: tagged

    - name: Create it again, which changes nothing
      jdcloud.cloud.jcs_redis_instance:
        name: "{{ instance_name }}"
        instance_class: redis.m.micro.basic
        password: Smoke1234pass
        tags: {team: smoke}
      register: again

    - name: List it
      jdcloud.cloud.jcs_redis_info:
        name: "{{ instance_name }}"
      register: listed

    - name: Delete it
      jdcloud.cloud.jcs_redis_instance:
        name: "{{ instance_name }}"
        state: absent
      register: deleted

    - name: List it again
      jdcloud.cloud.jcs_redis_info:
        name: "{{ instance_name }}"
      register: listed_after

    - name: Read the emulator's call counters
      ansible.builtin.uri:
        url: "{{ endpoint }}/_emulator/stats"
        return_content: true
      register: stats

    - name: Check every result
      ansible.builtin.assert:
        quiet: true
        that:
          - quota is not changed
          - quota.quota.max == 20
          - quota.quota.used == 0
          - quota.quota.available == 20
          - created is changed
          - created.instance.id is match('^redis-[a-z0-9]{12}$')
          - created.instance.status == 'running'
          - created.instance.region == 'cn-north-1'
          - created.instance.name == instance_name
          - created.instance.instance_class == 'redis.m.micro.basic'
          - tagged is changed and tagged.changes == ['tags']
          - tagged.instance.tags == dict(team='smoke')
          - stats.json.calls.tagResources == 1
          - again is not changed
          - again.instance.id == created.instance.id
          - listed.instances | length == 1
          - listed.instances[0].id == created.instance.id
          - deleted is changed
          - listed_after.instances | length == 0
          - stats.json.calls.createCacheInstance == 1
          - stats.json.calls.deleteCacheInstance == 1
          - stats.json.calls.describeUserQuota >= 1
          - "'Smoke1234pass' not in (created | to_json)"
"""

INVENTORY_SOURCE = """\
---
plugin: jdcloud.cloud.jcs_redis
keyed_groups:
  - prefix: redis_version
    key: jcs_redis.redis_version
"""


class Failed(Exception):
    pass


class Check:
    def __init__(self, work):
        self.work = work
        self.count = 0
        # Nothing from the checkout or the user's own Ansible set-up may stand in for the installed copy.
        self.env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH' and not k.startswith('JDCLOUD_')}
        self.env.update(
            ANSIBLE_HOME=os.path.join(work, 'ansible-home'),
            ANSIBLE_LOCAL_TEMP=os.path.join(work, 'ansible-tmp'),
            ANSIBLE_CONFIG=os.path.join(work, 'no-ansible.cfg'),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_FORCE_COLOR='0',
            # the modules' name locks: in the scratch space, not the user's ~/.cache
            XDG_CACHE_HOME=os.path.join(work, 'cache'),
        )

    def ok(self, message):
        self.count += 1
        print('ok %d - %s' % (self.count, message), flush=True)

    def run(self, *command, what=None, env=None, cwd=None):
        """Runs a command; its output (stdout and stderr together) when it succeeds, else Failed with it."""
        proc = subprocess.run(
            command,
            env=dict(self.env, **(env or {})),
            cwd=cwd or self.work,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if proc.returncode:
            raise Failed('%s failed (status %d):\n%s' % (what or ' '.join(command), proc.returncode, proc.stdout))
        return proc.stdout


def note(message):
    print('-- ' + message, flush=True)


def require(condition, message):
    if not condition:
        raise Failed(message)


# -- 1. build and inspect the tarball -------------------------------------------------------------------------


def forbidden(name):
    parts = name.split('/')
    return (
        any(fnmatch.fnmatchcase(part, pattern) for part in parts for pattern in FORBIDDEN_COMPONENTS)
        or any(name == prefix or name.startswith(prefix + '/') for prefix in FORBIDDEN_PREFIXES)
        or any(fnmatch.fnmatchcase(name, pattern) for pattern in FORBIDDEN_NAMES)
    )


def build(check):
    note('ansible-galaxy collection build')
    with open(os.path.join(REPO, 'galaxy.yml'), encoding='utf-8') as handle:
        version = yaml.safe_load(handle)['version']
    check.run('ansible-galaxy', 'collection', 'build', '--output-path', os.path.join(check.work, 'dist'), REPO)
    tarball = os.path.join(check.work, 'dist', 'jdcloud-cloud-%s.tar.gz' % version)
    require(os.path.isfile(tarball), 'the build did not produce %s' % os.path.basename(tarball))
    check.ok('built %s (%d KiB)' % (os.path.basename(tarball), os.path.getsize(tarball) // 1024))

    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
    names = sorted(re.sub(r'^\./', '', m.name) for m in members)
    bad = [name for name in names if forbidden(name)]
    require(
        not bad,
        'the tarball holds %d files it must not (first ones: %s); add them to build_ignore in galaxy.yml'
        % (len(bad), ', '.join(bad[:40])),
    )
    files = sum(1 for m in members if not m.isdir())
    check.ok('no venv, cache, test output, built docs or tarball among the %d files of the tarball' % files)

    required = list(REQUIRED)
    required += sorted('plugins/modules/' + os.path.basename(p) for p in glob.glob(REPO + '/plugins/modules/*.py'))
    required += sorted(os.path.relpath(p, REPO) for p in glob.glob(REPO + '/roles/*/meta/argument_specs.yml'))
    missing = [name for name in required if name not in names]
    require(not missing, 'files missing from the tarball: %s' % ' '.join(missing))
    check.ok('the tarball has the %d files users need (modules, roles, meta, emulator, extras, docs)' % len(required))
    return version, tarball


# -- 2. install it ------------------------------------------------------------------------------------------


def install(check, version, tarball):
    note('ansible-galaxy collection install')
    collections = os.path.join(check.work, 'collections')
    check.run('ansible-galaxy', 'collection', 'install', tarball, '-p', collections)
    check.env['ANSIBLE_COLLECTIONS_PATH'] = collections
    listed = json.loads(
        subprocess.run(
            ['ansible-galaxy', 'collection', 'list', 'jdcloud.cloud', '--format', 'json'],
            env=check.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    path = os.path.join(collections, 'ansible_collections')
    require(list(listed) == [path], 'ansible-galaxy lists other copies: %s' % listed)
    require(listed[path]['jdcloud.cloud']['version'] == version, 'ansible-galaxy lists %s' % listed)
    check.ok('installed jdcloud.cloud %s into a temporary collections path, the only one Ansible sees' % version)
    return os.path.join(path, 'jdcloud', 'cloud')


# -- 3. emulator from the installed copy + playbook ------------------------------------------------------------


def awx_environment(credential_type):
    """The environment the shipped credential type's injectors give, checked with AWX's rules and rendered as
    AWX does (awx/main/fields.py, CredentialTypeInputField and CredentialTypeInjectorField)."""
    from jinja2 import StrictUndefined  # pylint: disable=import-outside-toplevel
    from jinja2.sandbox import ImmutableSandboxedEnvironment  # pylint: disable=import-outside-toplevel

    with open(credential_type, encoding='utf-8') as handle:
        ctype = yaml.safe_load(handle)
    assert set(ctype) <= {'name', 'description', 'kind', 'inputs', 'injectors'}, sorted(ctype)
    assert ctype['kind'] == 'cloud'
    fields = ctype['inputs']['fields']
    allowed = {'id', 'label', 'type', 'format', 'choices', 'help_text', 'multiline', 'secret', 'ask_at_runtime'}
    allowed.add('default')
    for field in fields:
        assert set(field) <= allowed, field
        assert re.match(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$', field['id']) and field['label'], field
        assert field.get('type', 'string') == 'string' and isinstance(field.get('default', ''), str), field
        assert field.get('format') in (None, 'ssh_private_key', 'url'), field
    by_id = {f['id']: f for f in fields}
    assert sorted(by_id) == ['access_key', 'endpoint', 'region', 'secret_key', 'tag_endpoint'], sorted(by_id)
    assert by_id['secret_key'].get('secret') is True, 'secret_key must be secret'
    assert not any(by_id[f].get('secret') for f in ('access_key', 'region', 'endpoint', 'tag_endpoint'))
    assert set(ctype['inputs']['required']) == {'access_key', 'secret_key'}
    assert set(ctype['injectors']) == {'env'}, ctype['injectors']
    templates = ctype['injectors']['env']
    assert sorted(templates) == [
        'JDCLOUD_ACCESS_KEY', 'JDCLOUD_ENDPOINT', 'JDCLOUD_REGION', 'JDCLOUD_SECRET_KEY', 'JDCLOUD_TAG_ENDPOINT'
    ]  # fmt: skip

    jinja = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    # Like AWX: every defined field is in the namespace, with its default (or '') when the credential leaves it out.
    inputs = dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region='cn-north-1')
    namespace = {fid: inputs.get(fid, field.get('default', '')) for fid, field in by_id.items()}
    env = {name: jinja.from_string(template).render(namespace) for name, template in templates.items()}
    assert env['JDCLOUD_ENDPOINT'] == 'https://redis.jdcloud-api.com', 'endpoint default not injected'
    # no default: left empty, the tag endpoint follows the endpoint (the smoke playbook tags through it)
    assert env['JDCLOUD_TAG_ENDPOINT'] == '', 'a tag endpoint was injected without being set'
    # A cleared endpoint is injected empty, which the modules read as not set: the JD Cloud API (the module tests
    # check that side: tests/unit/plugins/modules/test_first_run_messages.py).
    cleared = dict(namespace, endpoint='', region='')
    assert jinja.from_string(templates['JDCLOUD_ENDPOINT']).render(cleared) == '', 'a cleared endpoint changed'
    assert jinja.from_string(templates['JDCLOUD_REGION']).render(cleared) == '', 'a cleared region changed'
    return env


def against_the_emulator(check, installed):
    note('starting the emulator from the installed collection')
    # The installed copy's own launcher, so that it is checked too; -B: no __pycache__ in the installed
    # collection, which `ansible-galaxy collection verify` would report (step 6).
    emulator_dir = os.path.join(installed, 'emulator')
    sys.path.insert(0, emulator_dir)
    from jdcloud_redis_emulator import testing  # pylint: disable=import-outside-toplevel

    require(os.path.dirname(os.path.dirname(testing.__file__)) == emulator_dir, 'the launcher came from elsewhere')
    with testing.emulator(process=True, bytecode=False, path=emulator_dir, workdir=check.work) as emulator:
        require(re.match(r'^http://127\.0\.0\.1:[0-9]+$', emulator.url), 'endpoint %s' % emulator.url)
        check.ok('emulator from the installed copy listens on %s' % emulator.url)
        try:
            playbook_and_inventory(check, installed, emulator)
        except Failed:
            with open(emulator.log_path, encoding='utf-8') as log:
                print('-- emulator log (last lines):\n' + ''.join(log.readlines()[-20:]), file=sys.stderr)
            raise


def playbook_and_inventory(check, installed, emulator):
    # The credentials reach the modules the way AWX hands them over: the injectors of the shipped credential
    # type, rendered with a credential's inputs. The inputs leave the endpoint out, so its default applies as
    # in AWX, and the endpoint comes from the environment variable set below instead.
    try:
        check.env.update(awx_environment(os.path.join(installed, 'extras', 'awx', 'credential_type.yml')))
    except AssertionError as exc:
        raise Failed('extras/awx/credential_type.yml is not a usable AWX credential type: %s' % exc) from None
    check.ok("the AWX credential type passes AWX's checks and its injectors give the modules their environment")
    check.env['JDCLOUD_ENDPOINT'] = emulator.url

    note('ansible-playbook smoke.yml against the emulator')
    playbook = os.path.join(check.work, 'smoke.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write(SMOKE_PLAYBOOK)
    output = check.run('ansible-playbook', playbook, what='the smoke playbook')
    require(re.search(r'ok=9 .*changed=3 .*failed=0', output), 'unexpected play recap:\n' + output)
    require(SECRET_KEY not in output and SMOKE_PASSWORD not in output, 'a secret appears in the playbook output')
    check.ok('playbook from the installed copy: quota, create, tag, idempotent re-run, info, delete (ok=9 changed=3)')

    # The inventory plugin, as an AWX inventory source runs it: ansible-inventory on a source file, with the
    # credential type's environment.
    emulator.admin.seed(3, name_prefix='package_inv')
    source = os.path.join(check.work, 'package.jcs_redis.yml')
    with open(source, 'w', encoding='utf-8') as handle:
        handle.write(INVENTORY_SOURCE)
    note('ansible-inventory with the jcs_redis inventory plugin against the emulator')
    proc = subprocess.run(
        ['ansible-inventory', '-i', source, '--list'],
        env=dict(check.env, ANSIBLE_INVENTORY_UNPARSED_FAILED='1'),
        cwd=check.work,
        capture_output=True,
        text=True,
        check=False,
    )
    require(proc.returncode == 0, 'ansible-inventory failed:\n' + proc.stderr)
    require(SECRET_KEY not in proc.stdout + proc.stderr, 'the secret key appears in the ansible-inventory output')
    listed = json.loads(proc.stdout)
    hosts = listed['_meta']['hostvars']
    require(
        sorted(hosts) == ['package_inv_00001', 'package_inv_00002', 'package_inv_00003'], 'hosts: %s' % sorted(hosts)
    )
    require(sorted(listed['redis_version_4_0']['hosts']) == sorted(hosts), 'groups: %s' % listed)
    one = hosts['package_inv_00001']
    # plain strings, as AWX needs them: no value of a seeded instance could be a template
    require(one['jcs_redis']['name'] == 'package_inv_00001', 'host variables: %s' % one)
    require(
        isinstance(one['ansible_host'], str) and one['ansible_host'] == one['jcs_redis']['connection_domain'],
        'ansible_host: %s' % one,
    )
    require('__ansible_unsafe' not in proc.stdout, 'a value is marked unsafe')
    check.ok("ansible-inventory with the installed jcs_redis inventory plugin lists the emulator's 3 instances")


# -- 4. ansible-doc from the installed copy --------------------------------------------------------------------


def ansible_doc(check, installed):
    note('ansible-doc')
    doc = check.run('ansible-doc', 'jdcloud.cloud.jcs_redis_instance')
    for expected in (
        os.path.join(installed, 'plugins/modules/jcs_redis_instance.py'), 'OPTIONS', 'update_password',
        'allow_passwordless', 'wait_timeout', 'secret_key', 'EXAMPLES', 'RETURN VALUES',
    ):  # fmt: skip
        require(expected in doc, "ansible-doc output lacks '%s':\n%s" % (expected, doc[:3000]))
    check.ok('ansible-doc jdcloud.cloud.jcs_redis_instance reads the installed copy and shows its options')

    doc = check.run('ansible-doc', '-t', 'inventory', 'jdcloud.cloud.jcs_redis')
    for expected in (
        os.path.join(installed, 'plugins/inventory/jcs_redis.py'), 'OPTIONS', 'regions', 'hostnames',
        'keyed_groups', 'cache_timeout', 'EXAMPLES',
    ):  # fmt: skip
        require(expected in doc, "ansible-doc -t inventory output lacks '%s':\n%s" % (expected, doc[:3000]))
    check.ok('ansible-doc -t inventory jdcloud.cloud.jcs_redis reads the installed copy and shows its options')

    listed = subprocess.run(
        ['ansible-doc', '-t', 'module', '-l', 'jdcloud.cloud'],
        env=check.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    modules = sorted(line.split()[0] for line in listed.splitlines() if line.strip())
    expected = sorted(
        'jdcloud.cloud.' + os.path.basename(p)[:-3]
        for p in glob.glob(REPO + '/plugins/modules/*.py')
        if not p.endswith('__init__.py')
    )
    require(modules == expected, 'ansible-doc lists modules %s, expected %s' % (modules, expected))
    check.ok('ansible-doc lists the %d modules' % len(modules))

    for spec in sorted(glob.glob(installed + '/roles/*/meta/argument_specs.yml')):
        role = os.path.basename(os.path.dirname(os.path.dirname(spec)))
        doc = check.run('ansible-doc', '-t', 'role', 'jdcloud.cloud.' + role)
        require(re.search(r'ENTRY POINT: \*?main\*? ', doc), 'ansible-doc shows no entry point of role %s' % role)
        check.ok('ansible-doc -t role jdcloud.cloud.%s shows its argument spec' % role)


# -- 5. execution environment --------------------------------------------------------------------------------


def execution_environment(check, installed, tarball):
    note('ansible-builder create (extras/ee of the installed copy)')
    # The EE definition expects the tarball beside it under a fixed name (docs/docsite/rst/awx.rst); a copy of the
    # shipped extras/ee keeps the installed copy clean.
    work = check.work
    shutil.copytree(os.path.join(installed, 'extras', 'ee'), os.path.join(work, 'ee'))
    shutil.copy(tarball, os.path.join(work, 'ee', 'jdcloud-cloud.tar.gz'))
    context = os.path.join(work, 'ee-context')
    check.run(
        'ansible-builder', 'create', '-f', os.path.join(work, 'ee', 'execution-environment.yml'), '-c', context,
        '--output-filename', 'Containerfile',
    )  # fmt: skip
    containerfile = os.path.join(context, 'Containerfile')
    require(os.path.isfile(containerfile), 'ansible-builder wrote no Containerfile')
    with (
        open(tarball, 'rb') as one,
        open(os.path.join(context, '_build/collections/jdcloud-cloud.tar.gz'), 'rb') as two,
    ):
        require(one.read() == two.read(), 'the build context lacks the collection tarball')
    with open(containerfile, encoding='utf-8') as handle:
        require(
            re.search(r'ansible-galaxy collection install .*-r requirements.yml', handle.read()),
            'the Containerfile does not install the Galaxy requirements',
        )
    check.ok('ansible-builder create wrote a build context with the tarball and a Containerfile')

    # The image build runs ansible-galaxy in _build/ and then ansible-builder's introspection over what it
    # installed; the same two steps here show what the image would get, without a container engine.
    # ansible-galaxy skips a collection it finds on any configured collections path, so that path is the
    # target alone, as in the image.
    target = os.path.join(work, 'ee-collections')
    check.run(
        'ansible-galaxy', 'collection', 'install', '-r', 'requirements.yml', '--collections-path', target,
        env=dict(ANSIBLE_COLLECTIONS_PATH=target), cwd=os.path.join(context, '_build'),
        what="installing the EE's Galaxy requirements",
    )  # fmt: skip
    pip_file, bindep_file = os.path.join(work, 'ee-pip.txt'), os.path.join(work, 'ee-bindep.txt')
    check.run('ansible-builder', 'introspect', target, '--write-pip', pip_file, '--write-bindep', bindep_file)
    with open(pip_file, encoding='utf-8') as handle:
        pip_lines = [line.strip() for line in handle if line.strip() and not line.strip().startswith('#')]
    require(
        'requests>=2.25  # from collection jdcloud.cloud' in pip_lines,
        'introspection did not find requests>=2.25 from meta/execution-environment.yml: %s' % pip_lines,
    )
    others = [line for line in pip_lines if 'from collection jdcloud.cloud' not in line]
    require(not others, "introspection found Python requirements that are not the collection's: %s" % others)
    if os.path.exists(bindep_file):
        with open(bindep_file, encoding='utf-8') as handle:
            system = [line for line in handle if line.strip() and not line.strip().startswith('#')]
        require(not system, 'introspection found system requirements: %s' % system)
    check.ok('an image built from it would get the collection and requests>=2.25, and no system package')


# -- 6. the emulator installed with pip from the installed collection ---------------------------------------


def pip_install_and_verify(check, installed):
    note('pip install of the emulator from the installed collection, then ansible-galaxy collection verify --offline')
    # As the README suggests: pip builds the emulator in its directory of the installed collection. The build
    # must leave nothing there (no build/, no *.egg-info), or the collection no longer verifies.
    venv = os.path.join(check.work, 'emulator-venv')
    check.run(sys.executable, '-m', 'venv', venv)
    python = os.path.join(venv, 'bin', 'python')
    check.run(python, '-m', 'pip', 'install', '--disable-pip-version-check', os.path.join(installed, 'emulator'))
    check.run(os.path.join(venv, 'bin', 'jdcloud-redis-emulator'), '--version')
    output = check.run(
        'ansible-galaxy', 'collection', 'verify', '--offline', 'jdcloud.cloud',
        what='ansible-galaxy collection verify (after pip installed the emulator)',
    )  # fmt: skip
    require(
        re.search(r'Successfully verified that checksums for .jdcloud\.cloud', output),
        'ansible-galaxy collection verify did not confirm the checksums:\n' + output,
    )
    check.ok(
        'pip installed the emulator from the installed collection, which still verifies '
        '(ansible-galaxy collection verify --offline)'
    )


def main():
    for tool in ('ansible-galaxy', 'ansible-builder'):
        if shutil.which(tool) is None:
            sys.exit("tests/package_check.py: %s not on PATH: run it as 'bash scripts/test -s package'" % tool)
    work = tempfile.mkdtemp(prefix='jdcloud-package.')
    try:
        check = Check(work)
        version, tarball = build(check)
        installed = install(check, version, tarball)
        against_the_emulator(check, installed)
        ansible_doc(check, installed)
        execution_environment(check, installed, tarball)
        pip_install_and_verify(check, installed)
    except Failed as exc:
        sys.exit('tests/package_check.py: FAILED: %s' % exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('tests/package_check.py: all %d checks passed' % check.count)


if __name__ == '__main__':
    main()
