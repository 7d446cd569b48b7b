"""The admin endpoints of the day-2 operations (emulator/README.md#admin-endpoint); ValueError is a 400."""

from __future__ import annotations


def handle(emulator, method: str, parts: list, data: dict):
    """The answer to an admin request, or None when it is not one of these."""
    if method == 'POST' and len(parts) == 3 and parts[0] == 'instances' and parts[2] == 'check-account-password':
        name, password = data.get('account'), data.get('password', '')
        if not isinstance(name, str) or not isinstance(password, str):
            raise ValueError('account and password must be strings')
        return {'matches': emulator.store.accounts.password_matches(parts[1], name, password)}
    return None
