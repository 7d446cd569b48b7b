"""The one builder of the ``ansible_collections/jdcloud/cloud`` tree that Ansible needs around the checkout.

* ``build(base)`` links ``base/ansible_collections/jdcloud/cloud`` to the checkout: enough for
  ansible-playbook, ansible-doc, module imports (pytest, the benchmark, the demo, the docs build).
* ``build(base, copy=True)`` copies the files git would commit there instead, with a git index of
  their own: ansible-test resolves its working directory physically and lists files through git.
* ``python tests/collection_tree.py [--copy] BASE`` does the same and prints the collection's path.

Imported by tests/conftest.py, ``use_for_this_process()`` makes the checkout importable as
``ansible_collections.jdcloud.cloud`` (ansible-test already runs from inside such a tree) and exports
the tree as ``JDCLOUD_TEST_COLLECTIONS_PATH`` for the module and playbook runs in subprocesses.
Only the standard library: noxfile.py imports it too.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACE, NAME = 'jdcloud', 'cloud'


def build(base: str, copy: bool = False) -> str:
    """A fresh ``base/ansible_collections/jdcloud/cloud``; returns its path."""
    namespace = os.path.join(base, 'ansible_collections', NAMESPACE)
    tree = os.path.join(namespace, NAME)
    if os.path.islink(tree):
        os.unlink(tree)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(namespace, exist_ok=True)
    if not copy:
        os.symlink(REPO, tree)
        return tree
    listed = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split('\0')):
        source, target = os.path.join(REPO, name), os.path.join(tree, name)
        if not os.path.lexists(source):
            continue  # tracked but deleted in the working tree
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    subprocess.run(['git', 'init', '--quiet'], cwd=tree, check=True)
    subprocess.run(['git', 'add', '--all'], cwd=tree, check=True)
    return tree


def collections_path(tree: str) -> str:
    """The directory to put on ANSIBLE_COLLECTIONS_PATH (or sys.path) for ``tree``."""
    return os.path.dirname(os.path.dirname(os.path.dirname(tree)))


def use_for_this_process() -> str:
    parts = REPO.split(os.sep)
    if parts[-3:] == ['ansible_collections', NAMESPACE, NAME]:
        path = os.sep.join(parts[:-3])
    else:
        path = tempfile.mkdtemp(prefix='jdcloud-collections-')
        build(path)
        atexit.register(shutil.rmtree, path, True)  # the link only, never what it points to
    if path not in sys.path:
        sys.path.insert(0, path)
    os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'] = path
    return path


def main(argv: list) -> int:
    copy = '--copy' in argv
    rest = [arg for arg in argv if arg != '--copy']
    if len(rest) != 1:
        sys.stderr.write('usage: python tests/collection_tree.py [--copy] BASE\n')
        return 2
    sys.stdout.write(build(os.path.abspath(rest[0]), copy=copy) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
