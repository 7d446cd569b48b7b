# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Let ``ansible-test sanity --requirements`` build its virtual environments without its download host.

ansible-test bootstraps pip into each new virtual environment with a ``get-pip.py`` that it downloads
from a host this machine cannot reach, unless a cached copy exists at
``~/.ansible/test/cache/get_pip_<version>.py``. This writes a small stand-in there that uses the
interpreter's own ``ensurepip`` and then installs the requested pip version from the package index.
An existing cache file is never overwritten. That directory is ansible-test's own cache (its sanity
virtual environments are beside it, in ~/.ansible/test/venv); the README lists it among what the test
command writes outside the checkout.

Run it with the Python of the virtual environment that has ansible-test installed.
"""

from __future__ import annotations

import os
import re
import sys
import types

STANDIN = '''\
# Offline stand-in for pip's get-pip.py, written by noxfile.py of the jdcloud.cloud collection
# because ansible-test's download host is unreachable here. ansible-test runs it inside a new virtual
# environment with pip install arguments; --no-setuptools/--no-wheel are get-pip.py options only.
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + ARGS)
'''


def bootstrap_pip_versions():
    """The pip versions ansible-test bootstraps, for the running Python and as listed in its source."""
    from ansible_test._internal import python_requirements  # pylint: disable=import-outside-toplevel

    versions = set()
    try:
        python = types.SimpleNamespace(version='%d.%d' % sys.version_info[:2])
        versions.add(python_requirements.get_venv_packages(python)['pip'])
    except (AttributeError, KeyError, TypeError):
        pass  # the helper changed shape; the source scan below still finds the pinned versions

    with open(python_requirements.__file__, encoding='utf-8') as source:
        text = source.read()
    versions.update(re.findall(r'''\bpip\s*=\s*['"]([0-9][0-9.]*)['"]''', text))
    versions.update(re.findall(r'''['"]pip['"]\s*:\s*['"]([0-9][0-9.]*)['"]''', text))
    return sorted(versions)


def main():
    versions = bootstrap_pip_versions()
    if not versions:
        sys.exit(
            'could not find the pip version ansible-test bootstraps; see ansible_test/_internal/python_requirements.py'
        )
    cache_dir = os.path.expanduser('~/.ansible/test/cache')
    for version in versions:
        path = os.path.join(cache_dir, 'get_pip_%s.py' % version.replace('.', '_'))
        if os.path.exists(path):
            sys.stdout.write('ansible-test pip %s bootstrap: using existing %s\n' % (version, path))
            continue
        os.makedirs(cache_dir, exist_ok=True)
        with open(path + '.tmp', 'w', encoding='utf-8') as handle:
            handle.write(STANDIN)
        os.replace(path + '.tmp', path)
        sys.stdout.write(
            'ansible-test pip %s bootstrap: %s was missing; wrote an offline stand-in '
            '(ensurepip + pip install from the package index)\n' % (version, path)
        )


if __name__ == '__main__':
    main()
