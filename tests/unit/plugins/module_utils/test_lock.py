"""The host lock of module_utils/_lock.py, in process: one holder per key, other keys free, released on release."""

from __future__ import annotations

from ansible_collections.jdcloud.cloud.plugins.module_utils._lock import HostLock


def test_one_holder_per_key_until_released(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    warnings = []
    first = HostLock('endpoint\nregion\nredis-one\nbackup_policy', 0, warnings.append, 'runs')
    second = HostLock('endpoint\nregion\nredis-one\nbackup_policy', 0, warnings.append, 'runs')
    other = HostLock('endpoint\nregion\nredis-two\nbackup_policy', 0, warnings.append, 'runs')
    assert first.acquire() is True
    assert second.acquire() is False  # timeout 0: refused at once, while the first holds it
    assert other.acquire() is True
    first.release()
    assert second.acquire() is True
    second.release()
    other.release()
    assert warnings == [] and first.path.startswith(str(tmp_path / 'jdcloud.cloud' / 'locks'))


def test_a_lock_file_that_cannot_be_made_leaves_the_run_unlocked_with_a_warning(tmp_path, monkeypatch):
    blocker = tmp_path / 'not_a_directory'
    blocker.write_text('')
    monkeypatch.setenv('XDG_CACHE_HOME', str(blocker))
    warnings = []
    lock = HostLock('key', 0, warnings.append, 'parallel changes of the backup_policy of one instance')
    assert lock.acquire() is True
    assert (
        len(warnings) == 1 and 'parallel changes of the backup_policy of one instance are not serialised' in warnings[0]
    )
    lock.release()
