"""Names of the operations of the day-2 modules (accounts, TLS, disabled commands, maintenance and tasks,
upgrades, the recycle bin): kept apart so that settings.py can list them without importing those modules."""

from __future__ import annotations

READ_OPERATIONS = (
    'describeAccounts',
    'checkPasswordValid',
    'describeInstanceTLS',
    'listDisableCommands',
    'getDisableCommands',
    'listTasks',
    'listTask',
    'listTaskTypes',
    'describeTaskProgressList',
    'describeUpgradeVersion',
    'recycledCacheInstance',
    'checkDeletable',
    'describeDownloadUrl',
)
WRITE_OPERATIONS = (
    'createAccount',
    'modifyAccount',
    'modifyAccounts',
    'deleteAccount',
    'modifyInstanceTLS',
    'setDisableCommands',
    'maintenanceTime',
    'modifyTaskRunTime',
    'cancelTask',
    'interruptTask',
    'modifyInstanceMinorVersion',
    'recoverInstance',
    'deleteRecycledCacheInstance',
)
