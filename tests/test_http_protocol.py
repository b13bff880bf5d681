"""The served protocol sends a response's head and body in one write, losing nothing.

Unit tests pin the transport proxy (what is held, when it leaves, close and abort); the
server tests run uvicorn with ``BufferedHttpToolsProtocol`` on a real socket, as
``qianfu serve`` does, and read the raw bytes.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from app.http_protocol import FLUSH_AT, BufferedHttpToolsProtocol, TurnBufferedTransport
from tests.support.processes import free_port


class RecordingTransport:
    """Just enough of an asyncio transport to see what reaches the socket."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def test_writes_of_one_turn_leave_as_one_write_after_the_turn() -> None:
    async def scenario() -> tuple[list[bytes], list[bytes]]:
        real = RecordingTransport()
        buffered = TurnBufferedTransport(real, asyncio.get_running_loop())
        buffered.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        buffered.write(b"ok")
        during = list(real.writes)
        await asyncio.sleep(0)  # let the loop finish this turn
        return during, real.writes

    during, after = asyncio.run(scenario())
    assert during == []
    assert after == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    async def scenario() -> tuple[RecordingTransport, RecordingTransport]:
        loop = asyncio.get_running_loop()
        closing, aborting = RecordingTransport(), RecordingTransport()
        first = TurnBufferedTransport(closing, loop)
        first.write(b"last bytes")
        first.close()
        second = TurnBufferedTransport(aborting, loop)
        second.write(b"never sent")
        second.abort()
        await asyncio.sleep(0)  # the scheduled flushes find nothing left
        return closing, aborting

    closing, aborting = asyncio.run(scenario())
    assert closing.writes == [b"last bytes"]
    assert closing.closed
    assert aborting.writes == []
    assert aborting.aborted


def test_a_large_write_passes_straight_through_for_flow_control() -> None:
    async def scenario() -> list[int]:
        real = RecordingTransport()
        buffered = TurnBufferedTransport(real, asyncio.get_running_loop())
        buffered.write(b"h" * 100)
        buffered.write(b"x" * FLUSH_AT)
        sizes = [len(w) for w in real.writes]
        buffered.write(b"tail")
        await asyncio.sleep(0)
        return sizes + [len(w) for w in real.writes[len(sizes) :]]

    assert asyncio.run(scenario()) == [100 + FLUSH_AT, 4]


def test_other_transport_methods_are_the_real_transports() -> None:
    async def scenario() -> Any:
        buffered = TurnBufferedTransport(RecordingTransport(), asyncio.get_running_loop())
        return buffered.get_extra_info("peername")

    assert asyncio.run(scenario()) == "info:peername"


async def _two_message_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers every request with a head and a body sent as two ASGI messages."""
    assert scope["type"] == "http"
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
        return
    body = b'{"path": "' + scope["path"].encode() + b'"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def _server(protocol: type[asyncio.Protocol] = BufferedHttpToolsProtocol) -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(
        _two_message_app,
        host="127.0.0.1",
        port=port,
        http=protocol,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def _read_until(sock: socket.socket, end: bytes) -> bytes:
    data = b""
    while not data.endswith(end):
        chunk = sock.recv(65536)
        assert chunk, "connection closed early"
        data += chunk
    return data


class _WriteCounter:
    """Wraps the real socket transport and keeps the size of every write that reaches it."""

    def __init__(self, transport: asyncio.Transport, sizes: list[int]) -> None:
        self._transport, self._sizes = transport, sizes

    def write(self, data: bytes) -> None:
        self._sizes.append(len(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


socket_writes: list[int] = []


class _CountingProtocol(BufferedHttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_WriteCounter(transport, socket_writes))


def test_a_served_response_reaches_the_socket_in_one_write() -> None:
    socket_writes.clear()
    with (
        _server(_CountingProtocol) as port,
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        sock.sendall(b"GET /first HTTP/1.1\r\nHost: t\r\n\r\n")
        response = _read_until(sock, b'{"path": "/first"}')
    assert response.startswith(b"HTTP/1.1 200 OK\r\n")
    assert socket_writes == [len(response)], "head and body left in separate writes"


def test_pipelined_and_streamed_responses_keep_every_byte_in_order() -> None:
    with _server() as port, socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /b HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        data = _read_until(sock, b"0\r\n\r\n")
    assert data.index(b'{"path": "/a"}') < data.index(b'{"path": "/b"}')
    assert data.count(b"HTTP/1.1 200 OK") == 3
    streamed = data.split(b"transfer-encoding: chunked\r\n\r\n", 1)[1]
    assert streamed == b"4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n"
