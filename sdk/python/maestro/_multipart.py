"""A multipart/form-data body with one file, read from disk as it is sent (never whole in memory)."""

import os
import uuid
from typing import BinaryIO, Callable, Optional


def new_boundary() -> str:
    return "maestro-" + uuid.uuid4().hex


def content_type(boundary: str) -> str:
    return f"multipart/form-data; boundary={boundary}"


class MultipartFile:
    """A file-like body: its length is known (so a Content-Length is sent) and ``read`` streams the parts."""

    def __init__(self, field: str, path: str, boundary: str, progress: Optional[Callable[[int, int], None]] = None) -> None:
        filename = os.path.basename(path).replace('"', "")
        self._head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode("utf-8")
        self._tail = f"\r\n--{boundary}--\r\n".encode("ascii")
        self._file: BinaryIO = open(path, "rb")
        self._file_size = os.fstat(self._file.fileno()).st_size
        self.len = len(self._head) + self._file_size + len(self._tail)
        self._position = 0
        self._progress = progress

    def __len__(self) -> int:
        return self.len

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.len
        chunks = []
        while size > 0 and self._position < self.len:
            chunk = self._read_some(size)
            if not chunk:
                raise IOError("the file being uploaded became shorter while it was sent")
            chunks.append(chunk)
            size -= len(chunk)
            self._position += len(chunk)
        data = b"".join(chunks)
        if data and self._progress is not None:
            self._progress(self._position, self.len)
        return data

    def _read_some(self, size: int) -> bytes:
        head, body_end = len(self._head), len(self._head) + self._file_size
        if self._position < head:
            return self._head[self._position:self._position + size]
        if self._position < body_end:
            return self._file.read(min(size, body_end - self._position))
        offset = self._position - body_end
        return self._tail[offset:offset + size]

    def close(self) -> None:
        self._file.close()
