# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's test sessions (run them with ``bash scripts/test``; see CONTRIBUTING.md).

antsibull-nox (configured in antsibull-nox.toml) provides lint, docs-check, build-import-check and
ansible-lint. Its ansible-test sessions need a container runtime, so sanity and integration are plain
sessions here that run ``ansible-test --local`` on a copy of the collection at
``.../ansible_collections/jdcloud/cloud``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import secrets
import shutil
import string
import subprocess
import sys
from pathlib import Path

import nox

try:
    import antsibull_nox
except ImportError:
    sys.exit('noxfile.py needs antsibull-nox: run it through `bash scripts/test` (tests/requirements-nox.txt)')

REPO = Path(__file__).resolve().parent
# The emulator's launcher and the collection tree builder are the ones the tests use (standard library only).
sys.path[:0] = [str(REPO / 'emulator'), str(REPO / 'tests')]
import collection_tree as tests_collection_tree  # noqa: E402
from jdcloud_redis_emulator import testing  # noqa: E402

# The test matrix: (Python, ansible-core). The first entry is the oldest ansible-core the collection
# supports (meta/runtime.yml requires_ansible) and also runs pytest, integration, demo and bench.
MATRIX = [('3.11', '2.19.14'), ('3.13', '2.21.5')]
RUN_PYTHON, RUN_CORE = MATRIX[0]
LINT_PYTHON, LINT_CORE = MATRIX[-1]
REQUESTS = 'requests==2.34.2'
RUFF = 'ruff==0.17.6'  # the same version as .pre-commit-config.yaml
CHANGELOG = 'antsibull-changelog==0.36.0'
# antsibull-nox.toml pins the tools of the antsibull-nox sessions, with LINT_CORE as their ansible-core.

nox.options.reuse_venv = 'yes'
nox.options.error_on_missing_interpreters = True
# `nox` with no session runs these one after another, in this order (cheap checks first). `bash scripts/test`
# with no session runs the same list as the session `ci` does, in LANES side by side.
nox.options.sessions = [
    'ruff',
    'lint',
    'changelog',
    'docs-check',
    'unit',
    *[f'sanity-{core.rsplit(".", 1)[0]}' for _python, core in MATRIX],  # sanity_name(), defined below
    'integration',
    'ansible-lint',
    'build-import-check',
    'docs',
    'package',
    # the main job of the README, so that CI proves it still runs
    'demo',
]
# The sessions that mostly wait for an emulator or for Ansible's processes go in the second lane, beside the
# first lane's that mostly compute: on 2 cores the whole list then takes little more than its longest lane.
EMULATOR_LANE = ['integration', 'ansible-lint', 'package', 'demo']
LANES = [[name for name in nox.options.sessions if name not in EMULATOR_LANE], EMULATOR_LANE]
# ansible-test runs the integration targets of each group (the shippable/posix/groupN alias of every target) on
# its own copy of the collection against its own emulator, the groups side by side.
INTEGRATION_GROUPS = ['shippable/posix/group1/', 'shippable/posix/group2/']

antsibull_nox.load_antsibull_nox_toml()


@functools.cache
def find_python(version: str) -> str:
    """The newest installed X.Y.Z of Python X.Y: pyenv's versions (its shims refuse unselected ones), then PATH."""
    roots = [os.environ.get('PYENV_ROOT'), str(Path.home() / '.pyenv')]
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        roots.insert(0, subprocess.run(['pyenv', 'root'], capture_output=True, text=True, check=True).stdout.strip())
    found = []
    for root in filter(None, roots):
        for cand in Path(root, 'versions').glob(f'{version}.*/bin/python{version}'):
            patch = cand.parent.parent.name.split('.')[2]
            if patch.isdigit():
                found.append((int(patch), str(cand)))
    if found:
        return max(found)[1]
    return shutil.which(f'python{version}') or f'python{version}'


def install(session: nox.Session, *args: str) -> None:
    """pip install ARGS in the session's venv, unless the venv already holds them: pip takes seconds per session
    to find an unchanged list satisfied. The stamp names ARGS and the contents of the files they name; an argument
    that points to a moving target (a URL) always installs."""
    digest = hashlib.sha256()
    for arg in args:
        digest.update(arg.encode() + b'\0')
        if (REPO / arg).is_file():
            digest.update((REPO / arg).read_bytes())
    stamp = Path(session.virtualenv.location) / f'.jdcloud-installed-{digest.hexdigest()[:16]}'
    if stamp.exists() and not any('://' in arg for arg in args):
        session.log('the venv holds these requirements already (delete it, or .nox/, to install them again)')
        return
    session.install('--disable-pip-version-check', '--quiet', *args)
    stamp.touch()


def collection_tree(session: nox.Session, copy: bool = True, name: str = 'tree') -> Path:
    """A fresh tree ``.../ansible_collections/jdcloud/cloud`` in the session's temporary directory
    (tests/collection_tree.py): a copy with its own git index for ansible-test, else a link to the checkout."""
    return Path(tests_collection_tree.build(str(Path(session.create_tmp()) / name), copy=copy))


@contextlib.contextmanager
def emulator(session: nox.Session, name: str = 'emulator', **options):
    """Runs the Redis API emulator of the checkout with the session's Python (jdcloud_redis_emulator.testing);
    yields the environment that points a playbook at it, and its log."""
    workdir = Path(session.create_tmp()) / name
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        running = testing.RunningEmulator(
            process=True, python=str(Path(session.bin) / 'python'), workdir=str(workdir), **options
        )
    except RuntimeError as exc:
        session.error(str(exc))
    with running:
        session.log(f'emulator (pid {running.proc.pid}) listening on {running.url}')
        yield running.env, Path(running.log_path)


def venv_env(session: nox.Session) -> dict:
    """PATH first through the session's venv, so ansible-test finds its pythonX.Y and ansible-doc; the modules'
    name locks ($XDG_CACHE_HOME/jdcloud.cloud/locks) in the session's directory, not the user's ~/.cache (except
    under ansible-test, which passes on HOME but not XDG_CACHE_HOME). Call it before any session.chdir: the
    session's directories are relative to the checkout."""
    return {
        'PATH': f'{session.bin}{os.pathsep}{os.environ["PATH"]}',
        'VIRTUAL_ENV': session.virtualenv.location,
        'XDG_CACHE_HOME': str(Path(session.create_tmp()).resolve() / 'cache'),
    }


# --- sessions ---------------------------------------------------------------------------------------


@nox.session(python=find_python(LINT_PYTHON))
def ruff(session: nox.Session) -> None:
    """ruff check and ruff format --check over the tree (ruff.toml)."""
    install(session, RUFF)
    session.run('ruff', 'check', '.')
    session.run('ruff', 'format', '--check', '.')


@nox.session(python=find_python(RUN_PYTHON))
def unit(session: nox.Session) -> None:
    """The pytest suite (client, emulator, modules, short reliability suites) on pytest-xdist workers.

    JDCLOUD_TEST_WORKERS=N chooses the number of workers (one more than the cores by default: a part of the tests
    waits for the emulator or for a process, which the extra worker fills); `-- -n 0` runs it in one process.
    """
    install(session, f'ansible-core=={RUN_CORE}', '-r', 'tests/requirements-test.txt')
    # loadscope as tests/conftest.py refines it: a file with a fixture for all its tests stays on one worker (built
    # once), every other test goes to the first free worker.
    workers = os.environ.get('JDCLOUD_TEST_WORKERS', str((os.cpu_count() or 1) + 1))
    session.run('python', '-m', 'pytest', '-n', workers, '--dist', 'loadscope', *session.posargs)


# Sanity only, in CI (.github/workflows/ci.yml) as the collection requirements ask: the ansible-core releases
# between the matrix's and the development branch, which may break without a release of ours.
SANITY_ONLY = [('3.12', '2.20.10'), ('3.13', 'devel')]
DEVEL = 'ansible-core @ https://github.com/ansible/ansible/archive/devel.tar.gz'


def sanity_name(core: str) -> str:
    return 'sanity-' + (core if core == 'devel' else core.rsplit('.', 1)[0])


def _sanity(python_version: str, core: str, default: bool = True):
    @nox.session(name=sanity_name(core), python=find_python(python_version), default=default)
    def sanity(session: nox.Session) -> None:
        ignores = sorted(str(p.relative_to(REPO)) for p in (REPO / 'tests' / 'sanity').glob('ignore-*.txt'))
        if ignores:
            session.error(f'sanity ignore files are not allowed, fix the code instead: {ignores}')
        install(session, DEVEL if core == 'devel' else f'ansible-core=={core}', '-r', 'tests/requirements-sanity.txt')
        # ansible-test bootstraps pip in its venvs with a get-pip.py from a host unreachable here.
        session.run('python', str(REPO / 'scripts' / 'ansible_test_offline.py'))
        tree = collection_tree(session)
        env = venv_env(session)
        with session.chdir(tree):
            session.run(
                'ansible-test', 'sanity', '--local', '--requirements', '--python', python_version,
                *session.posargs, env=env,
            )  # fmt: skip

    sanity.__doc__ = f'ansible-test sanity on ansible-core {core}, Python {python_version}.'
    return sanity


for _python, _core in MATRIX:
    _sanity(_python, _core)
for _python, _core in SANITY_ONLY:
    _sanity(_python, _core, default=False)


@nox.session(python=False, default=False, requires=[sanity_name(core) for _python, core in MATRIX])
def sanity(session: nox.Session) -> None:
    """The sanity sessions of the matrix (CI also runs sanity-2.20 and sanity-devel)."""


def side_by_side(session: nox.Session, runs: list, stream_first: bool = False, echo: bool = True) -> tuple:
    """Runs the commands of RUNS, a list of (title, command, working directory, environment or None for this
    process's), at once. The first prints as it goes if STREAM_FIRST; each other's output goes to a file and, if ECHO,
    is printed under its title when it has ended and those before it too. Returns the outputs kept in files, in
    order, and the titles with the exit status of the commands that failed."""
    with contextlib.ExitStack() as stack:
        started = []
        for number, (title, command, cwd, env) in enumerate(runs):
            output = None
            if number or not stream_first:
                output = stack.enter_context(open(Path(session.create_tmp()) / f'side-by-side-{number}.log', 'w+'))
            started.append((title, output, subprocess.Popen(  # pylint: disable=consider-using-with
                command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT if output else None, stdin=subprocess.DEVNULL
            )))  # fmt: skip
        outputs, failed = [], []
        for title, output, proc in started:
            proc.wait()
            if output:
                output.seek(0)
                outputs.append(output.read())
                if echo:
                    sys.stdout.write(f'\n---- {title} (exit status {proc.returncode})\n{outputs[-1]}')
                    sys.stdout.flush()
            if proc.returncode:
                failed.append(f'{title} (exit status {proc.returncode})')
    return outputs, failed


def run_integration(session: nox.Session, *args: str, env: dict | None = None, silent: bool = False) -> str | None:
    """``ansible-test integration`` with ARGS against the emulator. ARGS that name no target (only options) run the
    INTEGRATION_GROUPS side by side, each on its own tree and emulator, and print each group's output when it ends;
    the output is returned when SILENT."""
    install(session, f'ansible-core=={RUN_CORE}', REQUESTS)
    env = {**os.environ, **venv_env(session), **(env or {})}
    names_targets = any(not arg.startswith('-') for arg in args)
    groups = [[]] if names_targets else [[group] for group in INTEGRATION_GROUPS]
    with contextlib.ExitStack() as stack:  # the emulators run until every group has ended
        runs = []
        for number, targets in enumerate(groups, 1):
            tree = collection_tree(session, name=f'tree-{number}')
            # Each target sets its own delays and faults through its emulator's admin endpoint.
            emulator_env, _log = stack.enter_context(emulator(session, name=f'emulator-{number}', quota=20))
            (tree / 'tests' / 'integration' / 'integration_config.yml').write_text(
                '---\n# Written by noxfile.py for the emulator it started.\n'
                f'jdcloud_endpoint: {emulator_env["JDCLOUD_ENDPOINT"]}\n'
                f'jdcloud_access_key: {emulator_env["JDCLOUD_ACCESS_KEY"]}\n'
                f'jdcloud_secret_key: {emulator_env["JDCLOUD_SECRET_KEY"]}\n'
                f'jdcloud_region: {emulator_env["JDCLOUD_REGION"]}\n'
            )
            command = [
                'ansible-test',
                'integration',
                '--local',
                '--python',
                RUN_PYTHON,
                '--color',
                'no',
                *args,
                *targets,
            ]
            session.log(f'cd {tree} && {" ".join(command)}')
            if len(groups) == 1 and not silent:
                with session.chdir(tree):
                    session.run(*command, env=env)
                return None
            runs.append((f'ansible-test integration {" ".join(targets)}', command, tree, env))
        outputs, failed = side_by_side(session, runs, echo=not silent)
    if failed:
        session.error('failed: ' + ', '.join(failed))
    return ''.join(outputs) if silent else None


@nox.session(python=find_python(RUN_PYTHON))
def integration(session: nox.Session) -> None:
    """ansible-test integration targets against the emulator (arguments: targets or ansible-test options).

    Without a target, the groups of INTEGRATION_GROUPS run side by side."""
    run_integration(session, *(session.posargs or ['-v']))


@nox.session(python=find_python(LINT_PYTHON))
def changelog(session: nox.Session) -> None:
    """antsibull-changelog lint."""
    install(session, CHANGELOG)
    session.run('antsibull-changelog', 'lint')


@nox.session(python=find_python(LINT_PYTHON))
def release(session: nox.Session) -> None:
    """Cut the release of galaxy.yml's version: antsibull-changelog release (CONTRIBUTING.md, "Cutting a release")."""
    # ansible-core: antsibull-changelog finds the new modules, plugins and roles with ansible-doc.
    install(session, CHANGELOG, f'ansible-core=={LINT_CORE}')
    # --update-existing: run again before publishing, the same release takes the fragments and plugins
    # added since; --reload-plugins: never the plugin list of an earlier run (changelogs/.plugin-cache.yaml).
    session.run('antsibull-changelog', 'release', '--update-existing', '--reload-plugins', *session.posargs)
    session.run('antsibull-changelog', 'lint')


@nox.session(python=find_python(RUN_PYTHON))
def docs(session: nox.Session) -> None:
    """The HTML docsite builds without a warning (scripts/build-docs --check)."""
    install(session, '-r', 'docs/requirements.txt')
    session.run('bash', 'scripts/build-docs', '--check', env=venv_env(session), external=True)


@nox.session(name='docs-build', python=find_python(RUN_PYTHON), default=False)
def docs_build(session: nox.Session) -> None:
    """Build the HTML docsite into docs/build/html."""
    install(session, '-r', 'docs/requirements.txt')
    session.run('bash', 'scripts/build-docs', env=venv_env(session), external=True)


@nox.session(python=find_python(RUN_PYTHON))
def package(session: nox.Session) -> None:
    """The built tarball, installed alone, works against its own emulator; the EE build context is complete."""
    install(session, '-r', 'tests/requirements-package.txt')
    # -B: the check imports the emulator's launcher from the installed collection, which must stay as built.
    session.run('python', '-B', 'tests/package_check.py', env=venv_env(session))


@nox.session(python=False, default=False)
def ci(session: nox.Session) -> None:
    """Every default session, in LANES side by side (what `bash scripts/test` runs with no session): the first lane
    prints as it goes, each other lane when the first has ended."""
    runs = [(f'lane {number}', [sys.executable, '-m', 'nox', '--no-color', '-s', *lane], REPO, None)
            for number, lane in enumerate(LANES, 1)]  # fmt: skip
    for title, command, _cwd, _env in runs:
        session.log(f'{title}: {" ".join(command[2:])}')
    _outputs, failed = side_by_side(session, runs, stream_first=True)
    if failed:
        session.error('a session failed in ' + ', '.join(failed) + ': see its lines above')
    session.log('every session of every lane passed')


@nox.session(python=find_python(RUN_PYTHON), default=False)
def demo(session: nox.Session) -> None:
    """The lifecycle demo (playbooks/demo.yml) against an emulator with short real delays."""
    install(session, f'ansible-core=={RUN_CORE}', REQUESTS)
    # ansible-playbook, unlike ansible-test, accepts a symlink to the checkout as the collection.
    collections = tests_collection_tree.collections_path(str(collection_tree(session, copy=False)))
    alphabet = string.ascii_letters + string.digits
    # Made here, so that the demo can prove it never appears in what it prints.
    password = 'Demo' + ''.join(secrets.choice(alphabet) for _i in range(8)) + str(secrets.randbelow(10))
    with emulator(
        session, create_delay=3, resize_delay=2, delete_delay=1, config_delay=1, backup_delay=1
    ) as (env, log):  # fmt: skip
        env = {
            **os.environ,
            **venv_env(session),
            **env,
            'DEMO_CREATE_DELAY': '3',
            'DEMO_REDIS_PASSWORD': password,
            'ANSIBLE_COLLECTIONS_PATH': collections,
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_NOCOLOR': os.environ.get('ANSIBLE_NOCOLOR', '1'),
            'ANSIBLE_CALLBACK_RESULT_FORMAT': os.environ.get('ANSIBLE_CALLBACK_RESULT_FORMAT', 'yaml'),
        }
        output = []
        with subprocess.Popen(
            ['ansible-playbook', 'playbooks/demo.yml', *session.posargs],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as proc:
            for line in proc.stdout:
                sys.stdout.write(line)
                output.append(line)
        if password in ''.join(output) or password in log.read_text():
            session.error('the instance password appears in the playbook output or the emulator log')
    if proc.returncode:
        session.error(f'ansible-playbook exited with status {proc.returncode}')
    # A successful run reads as one in AWX or a CI log too: no line says FAILED (a task retried while it
    # waits would print one per attempt).
    failed = [line for line in output if 'FAILED' in line]
    if failed:
        session.error(f'the playbook succeeded but printed FAILED lines:\n{"".join(failed)}')
    session.log(
        'the lifecycle demo passed (no line of its output reports a failure, and the password never appeared in it)'
    )


@nox.session(python=find_python(RUN_PYTHON), default=False)
def bench(session: nox.Session) -> None:
    """The performance benchmark (docs/performance.md); arguments go to benchmarks/run.py (--help)."""
    install(session, f'ansible-core=={RUN_CORE}', REQUESTS)
    session.run('python', 'benchmarks/run.py', *session.posargs)


@nox.session(python=find_python(RUN_PYTHON), default=False)
def soak(session: nox.Session) -> None:
    """The long reliability soak (docs/reliability.md): many seeds and examples, then an integration secret scan."""
    parser = argparse.ArgumentParser(prog='nox -s soak --')
    parser.add_argument('--runs', default='60', help='fault runs: a count, or profile:seed,...')
    parser.add_argument('--examples', type=int, default=150, help='hypothesis examples per module')
    parser.add_argument('--hosts', type=int, default=16, help='parallel hosts (at least 10)')
    parser.add_argument('--report', help='also write the figures as JSON to this file')
    parser.add_argument('--no-integration', action='store_true', help='skip the integration secret scan')
    args = parser.parse_args(session.posargs)
    if args.hosts < 10:
        session.error('--hosts must be at least 10 (the concurrency check runs with one fork per host)')
    install(session, f'ansible-core=={RUN_CORE}', '-r', 'tests/requirements-test.txt')
    session.run(
        'python', '-m', 'pytest', 'tests/reliability', '-q',
        env={
            **venv_env(session),
            'JDCLOUD_RELIABILITY_RUNS': args.runs,
            'JDCLOUD_RELIABILITY_EXAMPLES': str(args.examples),
            'JDCLOUD_RELIABILITY_HOSTS': str(args.hosts),
            'JDCLOUD_RELIABILITY_REPORT': os.path.abspath(args.report) if args.report else '',
        },
    )  # fmt: skip
    if args.no_integration:
        return
    capture = Path(session.create_tmp()) / 'soak-capture'
    shutil.rmtree(capture, ignore_errors=True)
    capture.mkdir()
    # Every play shows its diffs and logs to a file as well as printing at -vvv; all of it is searched.
    output = run_integration(
        session,
        '-vvv',
        env={'ANSIBLE_DIFF_ALWAYS': 'true', 'ANSIBLE_LOG_PATH': str(capture / 'ansible.log')},
        silent=True,
    )
    (capture / 'stdout.txt').write_text(output or '')
    session.run(
        'python', 'tests/reliability/scan_secrets.py',
        '--secret', testing.DEFAULT_SECRET_KEY,
        '--secrets-from-yaml', 'tests/integration/targets',
        str(capture),
        env={'PYTHONPATH': str(REPO / 'emulator')},
    )  # fmt: skip
