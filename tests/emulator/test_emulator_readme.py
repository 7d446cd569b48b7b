"""The emulator README's CI snippet, run as written with bash: it starts the emulator and exports its endpoint,
and when the emulator cannot start it fails at once instead of waiting forever (issue 32.8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / 'emulator' / 'README.md'


def ci_snippet() -> str:
    text = README.read_text(encoding='utf-8')
    found = re.search(r'A robust way to do this in a CI script.*?```bash\n(.*?)```', text, re.S)
    assert found, 'the CI snippet is no longer in emulator/README.md'
    return found.group(1)


@pytest.fixture
def bin_dir(tmp_path):
    """``python3`` is this interpreter; ``ansible-playbook`` records the endpoint it was given."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'python3').symlink_to(sys.executable)
    playbook = bin_dir / 'ansible-playbook'
    playbook.write_text('#!/bin/sh\nprintf "%s\\n" "$JDCLOUD_ENDPOINT" > playbook.ran\n', encoding='utf-8')
    playbook.chmod(0o755)
    return bin_dir


def run(workdir: Path, bin_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH='%s%s%s' % (bin_dir, os.pathsep, os.environ['PATH']))
    env.pop('PYTHONPATH', None)
    return subprocess.run(
        ['bash', '-c', ci_snippet()], cwd=workdir, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_snippet_runs_the_playbook_against_the_emulator(tmp_path, bin_dir):
    workdir = tmp_path / 'checkout'
    workdir.mkdir()
    (workdir / 'emulator').symlink_to(ROOT / 'emulator')
    done = run(workdir, bin_dir)
    assert done.returncode == 0, done.stderr
    assert re.match(r'^http://127\.0\.0\.1:\d+$', (workdir / 'playbook.ran').read_text(encoding='utf-8').strip())


def test_the_snippet_fails_at_once_when_the_emulator_cannot_start(tmp_path, bin_dir):
    workdir = tmp_path / 'checkout'
    (workdir / 'emulator').mkdir(parents=True)  # no package there: python3 -m exits at once
    done = run(workdir, bin_dir)
    assert done.returncode == 1
    assert 'No module named jdcloud_redis_emulator' in done.stderr
    assert 'the emulator did not start' in done.stderr
    assert not (workdir / 'playbook.ran').exists()
