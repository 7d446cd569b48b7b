# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A scripted HTTP server on 127.0.0.1 for testing the API client's transport.

It is a fake *server*: the client under test talks real HTTP/1.1 (keep-alive,
timeouts, broken connections) to it. Each request consumes the next scripted
``Reply``; every request is recorded with its raw path, headers, body and the
number of the TCP connection it arrived on.
"""

from __future__ import annotations

import collections
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Reply:
    """One scripted answer.

    action: 'respond' (default); 'close' (read the request, then close the
    connection without answering); 'reset' (same, but with a TCP RST); 'hang'
    (read the request, then never answer: wait until the client gives up and closes,
    so that a client timeout fires however slow the machine is).
    content_length: announce this many bytes instead of len(body) (a larger
    value plus a close makes a truncated body). delay: seconds to wait first.
    """

    def __init__(self, status=200, body=b'', headers=None, action='respond', delay=0.0, content_length=None):
        self.status = status
        self.body = body.encode('utf-8') if isinstance(body, str) else body
        self.headers = dict(headers or {})
        self.action = action
        self.delay = delay
        self.content_length = content_length


def ok(result=None, request_id='req-ok', headers=None):
    payload = {'requestId': request_id}
    if result is not None:
        payload['result'] = result
    return Reply(200, json.dumps(payload), dict({'Content-Type': 'application/json'}, **(headers or {})))


def api_error(http_status, status, message, request_id='req-err', details=None, headers=None):
    error = {'code': http_status, 'status': status, 'message': message}
    if details is not None:
        error['details'] = details
    return Reply(
        http_status,
        json.dumps({'requestId': request_id, 'error': error}),
        dict({'Content-Type': 'application/json'}, **(headers or {})),
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        # A client that gave up (timeout) makes our late write fail; that is expected here.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def setup(self):
        super().setup()
        self.connection_number = self.server.owner.note_connection()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _serve(self):
        owner = self.server.owner
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        reply = owner.record_and_next(self.command, self.path, self.headers, body, self.connection_number)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.action == 'hang':
            self.close_connection = True
            while self.rfile.read(1):  # until the client closes its end
                pass
            return
        if reply.action in ('close', 'reset'):
            self.close_connection = True
            if reply.action == 'reset':
                # Linger 0 makes close() send RST; the read buffer holds the only other reference to the socket.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                self.rfile.close()
                self.connection.close()
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        announced = len(reply.body) if reply.content_length is None else reply.content_length
        self.send_header('Content-Length', str(announced))
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()
        if announced != len(reply.body):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class CannedServer:
    """Threaded HTTP/1.1 server answering from a script.

    listen=False binds the port without listening, so connections are refused
    until ``listen()`` is called (same port throughout).
    """

    def __init__(self, *replies, listen=True):
        self._lock = threading.Lock()
        self._replies = collections.deque(replies)
        self.requests = []
        self.connections = 0
        self.unscripted = 0
        self._server = _Server(('127.0.0.1', 0), _Handler, bind_and_activate=False)
        self._server.owner = self
        self._server.server_bind()
        self._thread = None
        self._listening = False
        if listen:
            self.listen()

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def listen(self, backlog=16, serve=True):
        """Start listening; serve=False leaves connections queued in the kernel, unaccepted."""
        if not self._listening:
            self._server.request_queue_size = backlog
            self._server.server_activate()
            self._listening = True
        if serve and self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True
            )
            self._thread.start()

    def add(self, *replies):
        with self._lock:
            self._replies.extend(replies)

    def note_connection(self):
        with self._lock:
            self.connections += 1
            return self.connections

    def record_and_next(self, method, path, headers, body, connection_number):
        with self._lock:
            self.requests.append(
                {
                    'method': method,
                    'path': path,
                    'headers': {name.lower(): value for name, value in headers.items()},
                    'body': body,
                    'connection': connection_number,
                }
            )
            if self._replies:
                return self._replies.popleft()
            self.unscripted += 1
        return Reply(599, 'no scripted reply left')

    def close(self):
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def free_port_refusing():
    """A loopback port nobody listens on (connections are refused)."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
