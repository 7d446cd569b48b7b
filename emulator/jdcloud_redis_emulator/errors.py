"""API errors and the JD Cloud error envelope (docs/dev/api-notes.md#errors)."""

from __future__ import annotations


class ApiError(Exception):
    """An error answered with ``{"requestId", "error": {code, status, message}}`` and HTTP status ``code``."""

    def __init__(self, code: int, status: str, message: str, headers: dict = None):
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers or {}

    def to_error(self) -> dict:
        return {'code': self.code, 'status': self.status, 'message': self.message}


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, 'INVALID_ARGUMENT', message)


def failed_precondition(message: str) -> ApiError:
    return ApiError(400, 'FAILED_PRECONDITION', message)


def already_exists(message: str) -> ApiError:
    # the gateway's 409 "resource already exists" (docs/dev/api-notes.md#white-list-groups)
    return ApiError(409, 'ALREADY_EXISTS', message)


def not_found(message: str) -> ApiError:
    return ApiError(404, 'NOT_FOUND', message)


def instance_not_found(instance_id: str) -> ApiError:
    return not_found("cacheInstance '%s' not found" % instance_id)


def quota_exceeded() -> ApiError:
    return ApiError(429, 'QUOTA_EXCEEDED', 'Instance quota limit exceeded')


# The exact body the real gateway sends for any signature problem (jdcloud-sdk-php #88).
ACCESS_ERROR_MESSAGE = 'sign result is not same [gw]'


def access_error() -> ApiError:
    return ApiError(401, 'ACCESS_ERROR', ACCESS_ERROR_MESSAGE)


def method_not_allowed(method: str, path: str, allowed) -> ApiError:
    return ApiError(
        405,
        'METHOD_NOT_ALLOWED',
        'method %s is not allowed on %s' % (method, path),
        headers={'Allow': ', '.join(sorted(allowed))},
    )
