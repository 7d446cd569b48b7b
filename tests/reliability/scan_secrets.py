"""Search captured output for secrets in every form they could leak in.

    python tests/reliability/scan_secrets.py [--secret VALUE]... [--secrets-from-yaml DIR]... PATH...

PATH is a file or a directory (searched recursively). ``--secrets-from-yaml`` adds every literal
value of at least 8 characters (shorter ones would match by chance) of a YAML key whose name
contains ``password`` or ``secret_key`` found under DIR (for example the integration targets'
defaults). Prints what was searched and every hit (the secret
is never printed: hits name the secret by its position and the form it was found in); exits 1
when anything was found.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reliability_support import find_secrets, secret_forms

_YAML_SECRET = re.compile(
    r'^\s*-?\s*[\w.]*(?:password|secret_key)[\w]*\s*:\s*["\']?([^"\'{}\s#][^"\'#]*?)["\']?\s*(?:#.*)?$', re.IGNORECASE
)


def secrets_in_yaml(directory):
    found = set()
    for root, _dummy, files in os.walk(directory):
        for name in files:
            if not name.endswith(('.yml', '.yaml')):
                continue
            with open(os.path.join(root, name), encoding='utf-8') as handle:
                for line in handle:
                    match = _YAML_SECRET.match(line)
                    value = match.group(1).strip() if match else ''
                    if len(value) >= 8 and value not in ('on_create',):
                        found.add(value)
    return found


def read_all(paths):
    blobs = {}
    for path in paths:
        if os.path.isdir(path):
            for root, _dummy, files in os.walk(path):
                for name in files:
                    full = os.path.join(root, name)
                    if os.path.isfile(full):
                        blobs[full] = full
        elif os.path.isfile(path):
            blobs[path] = path
    texts = {}
    for label, full in blobs.items():
        with open(full, 'rb') as handle:
            texts[label] = handle.read().decode('utf-8', 'replace')
    return texts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--secret', action='append', default=[], help='a secret value (repeatable)')
    parser.add_argument('--secrets-from-yaml', action='append', default=[], metavar='DIR')
    parser.add_argument('paths', nargs='+')
    options = parser.parse_args(argv)
    secrets = set(options.secret)
    for directory in options.secrets_from_yaml:
        secrets |= secrets_in_yaml(directory)
    secrets = sorted(s for s in secrets if s)
    if not secrets:
        parser.error('no secret to search for')
    texts = read_all(options.paths)
    if not texts:
        parser.error('nothing to search in %s' % ' '.join(options.paths))
    hits = find_secrets(texts, secrets)
    print(
        'searched %d files, %d bytes, for %d secrets in %d forms'
        % (
            len(texts),
            sum(len(t.encode('utf-8')) for t in texts.values()),
            len(secrets),
            sum(len(secret_forms(s)) for s in secrets),
        )
    )
    for source, index, form in hits:
        print('FOUND secret #%d (%s form) in %s' % (index + 1, 'plain' if form == '<plain>' else 'an encoded', source))
    print('secrets found: %d' % len(hits))
    return 1 if hits else 0


if __name__ == '__main__':
    sys.exit(main())
