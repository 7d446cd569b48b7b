"""The docs' shell snippets that run the emulator from an installed collection are run as written, with
bytecode writing on (no PYTHONDONTWRITEBYTECODE), and the collection must still verify afterwards
(``ansible-galaxy collection verify --offline``): a snippet that lets Python write ``__pycache__`` into the
installed collection breaks that check for its users.

Each snippet runs with bash in a temporary directory and a temporary HOME. ``ansible-galaxy collection
install jdcloud.cloud`` installs the tarball built from this checkout (a stand-in ``ansible-galaxy`` on PATH
replaces the name by the tarball; everything else goes to the real one); a snippet that does not install
the collection finds it in ``~/.ansible/collections``. ``ansible-playbook site.yml`` runs a one-task play
against the emulator the snippet started. A snippet that ends serving (the emulator in the foreground) is
stopped with SIGTERM once the emulator has answered.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ('README.md', 'docs/docsite/rst/guide.rst', 'emulator/README.md')
BIN = os.path.dirname(sys.executable)
SNIPPET_TIMEOUT = 120  # a bound for a hung snippet, not a speed requirement
SITE = [
    {
        'name': 'The playbook of the snippet',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'tasks': [
            {'name': 'Read the quota from the emulator', 'jdcloud.cloud.jcs_redis_quota': {}, 'register': 'quota'},
            {'name': 'It answered', 'ansible.builtin.assert': {'that': ['quota.quota.max > 0']}},
        ],
    }
]


def shell_blocks(path):
    """``(label, text)`` of the shell code blocks of a Markdown or reStructuredText file."""
    text = (ROOT / path).read_text(encoding='utf-8')
    if path.endswith('.md'):
        blocks = re.findall(r'^```(?:bash|sh|shell)\n(.*?)^```', text, re.S | re.M)
    else:
        blocks = []
        for block in re.findall(r'^\.\. code-block:: (?:bash|sh|shell)\n\n((?:(?:[ ]{4,}.*)?\n)+)', text, re.M):
            lines = block.splitlines()
            indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
            blocks.append('\n'.join(line[indent:] for line in lines).strip() + '\n')
    return [(f'{path} shell block {i + 1}', block) for i, block in enumerate(blocks)]


def installed_collection_snippets():
    """The snippets that run the emulator from an installed collection (not from a checkout's emulator/)."""
    found = []
    for path in DOCS:
        for label, block in shell_blocks(path):
            if 'jdcloud_redis_emulator' in block and re.search(
                r'ansible-galaxy collection|\.ansible/collections', block
            ):
                found.append((label, block))
    return found


SNIPPETS = installed_collection_snippets()


def test_the_snippets_are_found():
    labels = [label for label, _block in SNIPPETS]
    assert any(label.startswith('README.md') for label in labels), labels
    assert sum(label.startswith('docs/docsite/rst/guide.rst') for label in labels) == 2, labels


def test_every_run_from_an_installed_collection_writes_no_bytecode():
    """Also the commands in the prose: only a checkout's ``emulator`` may run without -B."""
    for path in DOCS:
        text = (ROOT / path).read_text(encoding='utf-8')
        for match in re.finditer(r'PYTHONPATH=(\S+) python3?( -B)? -m jdcloud_redis_emulator', text):
            if match.group(1) != 'emulator':
                assert match.group(2), f'{path}: {match.group(0)} writes __pycache__ into the installed collection'


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    subprocess.run(
        [os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob('jdcloud-cloud-*.tar.gz')
    return built


def snippet_environment(tmp_path, tarball):
    home = tmp_path / 'home'
    home.mkdir()
    stand_in = tmp_path / 'bin'
    stand_in.mkdir()
    galaxy = stand_in / 'ansible-galaxy'
    galaxy.write_text(
        '#!/usr/bin/env bash\n'
        '# ansible-galaxy collection install jdcloud.cloud: the tarball of the checkout, offline\n'
        'if [ "${1:-}" = collection ] && [ "${2:-}" = install ]; then\n'
        '  args=(); for a in "$@"; do [ "$a" = jdcloud.cloud ] && a=%s; args+=("$a"); done; set -- "${args[@]}"\n'
        'fi\n'
        'exec %s "$@"\n' % (tarball, os.path.join(BIN, 'ansible-galaxy')),
        encoding='utf-8',
    )
    galaxy.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(('ANSIBLE_', 'JDCLOUD_', 'PYTHON')) and key not in ('VIRTUAL_ENV',)
    }
    env.update(HOME=str(home), PATH=f'{stand_in}:{BIN}:{env.get("PATH", "/usr/bin:/bin")}')
    return env


def wait_for_line(path, pattern, process, deadline):
    while time.monotonic() < deadline:
        text = path.read_text(encoding='utf-8', errors='replace') if path.exists() else ''
        match = re.search(pattern, text, re.M)
        if match or process.poll() is not None:
            return match
        time.sleep(0.1)
    return None


def verify(env, collections_path):
    verified = subprocess.run(
        ['ansible-galaxy', 'collection', 'verify', '--offline', 'jdcloud.cloud'],
        env=dict(env, ANSIBLE_COLLECTIONS_PATH=str(collections_path)),
        capture_output=True,
        text=True,
        timeout=SNIPPET_TIMEOUT,
        check=False,
    )
    return verified.returncode, verified.stdout + verified.stderr


@pytest.mark.parametrize('label, snippet', SNIPPETS, ids=[label for label, _snippet in SNIPPETS])
def test_snippet_runs_as_written_and_the_collection_still_verifies(tmp_path, tarball, label, snippet):
    env = snippet_environment(tmp_path, tarball)
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'site.yml').write_text(yaml.safe_dump(SITE, sort_keys=False), encoding='utf-8')
    installs = 'collection install' in snippet
    default_path = pathlib.Path(env['HOME']) / '.ansible' / 'collections'
    if not installs:
        subprocess.run(
            ['ansible-galaxy', 'collection', 'install', str(tarball)], env=env, check=True, capture_output=True
        )
    (work / 'snippet.sh').write_text(snippet, encoding='utf-8')
    output = work / 'snippet.out'
    with open(output, 'wb') as out:
        process = subprocess.Popen(
            ['bash', 'snippet.sh'], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + SNIPPET_TIMEOUT
        endpoint = wait_for_line(output, r'^JDCLOUD_ENDPOINT=(\S+)$', process, deadline)
        if process.poll() is None:
            # a snippet that ends serving: the emulator must answer, then it stops on SIGTERM
            assert endpoint, f'{label}: neither ended nor printed the endpoint:\n{output.read_text()}'
            with urllib.request.urlopen(endpoint.group(1) + '/_emulator/stats', timeout=10) as answer:
                assert 'calls' in json.load(answer)
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=SNIPPET_TIMEOUT)
        else:
            assert process.returncode == 0, f'{label} failed:\n{output.read_text()}'
            assert 'ok=2' in output.read_text() and 'failed=0' in output.read_text(), output.read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    collections_path = work / 'collections' if installs else default_path
    installed = collections_path / 'ansible_collections' / 'jdcloud' / 'cloud'
    assert installed.is_dir(), label
    written = sorted(str(p.relative_to(installed)) for p in installed.rglob('__pycache__'))
    rc, text = verify(env, collections_path)
    assert not written and rc == 0, f'{label} wrote into the installed collection {written}:\n{text}'
    assert re.search(r'Successfully verified that checksums for .jdcloud\.cloud', text), text
    shutil.rmtree(tmp_path / 'home', ignore_errors=True)
