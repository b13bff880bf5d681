"""uvicorn's httptools protocol, with a response's head and body leaving in one write.

uvicorn writes the status line and headers as soon as the app sends ``http.response.start``,
then the body on ``http.response.body``. With ``TCP_NODELAY`` (asyncio's default) that is two
segments and two wake-ups of the client for every response; on these 2-vCPU machines the first
write, waking the client, was 11 % of a served eligibility worker's time (py-spy, seventh and
eighth sessions). Here every write made during one turn of the event loop is held and sent
once at the end of that turn: a response whose messages are sent back to back (every JSON and
HTML response we build) goes out as one segment. A held write never waits for anything but
the end of the current turn, and a large one is passed through at once so uvicorn's flow
control (pause and resume writing) still sees the buffer fill.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Past this many held bytes the writes go out at once (a streamed download, not a response).
FLUSH_AT = 256 * 1024


class TurnBufferedTransport:
    """A transport proxy that joins the writes of one event-loop turn into one write."""

    __slots__ = ("_held", "_held_bytes", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Hold ``data`` until the end of this turn (or pass it on once there is a lot)."""
        chunk = bytes(data)
        if self._held is None:
            self._held = [chunk]
            self._held_bytes = len(chunk)
            self._loop.call_soon(self.flush)
        else:
            self._held.append(chunk)
            self._held_bytes += len(chunk)
        if self._held_bytes >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Send what is held (a no-op when nothing is)."""
        held, self._held = self._held, None
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        """Send what is held, then close (a response's last bytes are never dropped)."""
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        """Drop what is held and abort the connection."""
        self._held = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        # Everything else (is_closing, pause_reading, get_extra_info, …) is the transport's.
        return getattr(self._transport, name)


class BufferedHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` writing through a :class:`TurnBufferedTransport`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Wrap the connection's transport before uvicorn keeps a reference to it."""
        buffered = TurnBufferedTransport(transport, self.loop)
        super().connection_made(buffered)  # type: ignore[arg-type]
