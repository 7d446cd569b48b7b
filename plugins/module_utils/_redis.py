# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules of the options that describe a Redis instance (name, password, description, version); the
operations and result shapes are in ``_api.py``.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import re

# API rule (docs/dev/api-notes.md#validation): names are 2-32 digits, ASCII letters, '_' or Chinese characters (no '-',
# unlike other JD Cloud resources).
NAME_PATTERN = re.compile('[0-9A-Za-z_\u4e00-\u9fa5]{2,32}\\Z')
# \Z, not $: $ also matches before a final newline.
PASSWORD_PATTERN = re.compile(r'[A-Za-z0-9]{8,16}\Z')
DESCRIPTION_MAX = 256
VERSION_PATTERN = re.compile(r'(\d+)(?:\.(\d+))?(?:[.-].*)?\Z')
CHARGE_DURATION_MAX = {'month': 9, 'year': 3}


def name_problem(value):
    if not NAME_PATTERN.match(value):
        return 'must be 2 to 32 characters of letters, digits, underscores or Chinese characters (no hyphens or spaces)'
    return None


def password_problem(value):
    if not PASSWORD_PATTERN.match(value) or not re.search('[A-Za-z]', value) or not re.search('[0-9]', value):
        return 'must be 8 to 16 characters of letters and digits, with at least one letter and one digit'
    return None


def description_problem(value):
    if len(value) > DESCRIPTION_MAX:
        return f'must be at most {DESCRIPTION_MAX} characters, got {len(value)}'
    return None


def normalize_version(value):
    """``4``, ``4.0``, ``4.0.14`` and ``4.0-1.3`` all mean Redis 4.0."""
    if value is None:
        return None
    match = VERSION_PATTERN.match(str(value).strip())
    if not match:
        return None
    return f'{int(match.group(1))}.{int(match.group(2) or 0)}'
