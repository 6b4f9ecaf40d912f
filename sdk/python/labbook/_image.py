"""Images for ``log_image``: encoded bytes as they are, pixels encoded as PNG (standard library only).

Accepted: a path to a PNG/JPEG/GIF/WebP/BMP file, the bytes of one, a PIL image (anything with
``save(fp, format=...)``), or pixels: a numpy array, a torch tensor or nested lists shaped H×W
(grey), H×W×C or C×H×W with C in 1, 3, 4. Floats are taken as 0..1 and scaled to 0..255; other
numbers are clipped to 0..255.
"""

import io
import os
import struct
import zlib

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
)


def image_extension(data):
    """'png', 'jpg', 'gif', 'webp' or 'bmp' from the first bytes, or None."""
    head = bytes(data[:12])
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for sig, ext in _SIGNATURES:
        if head.startswith(sig) and (ext != "bmp" or len(data) >= 14):
            return ext
    return None


def _chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def encode_png(width, height, channels, rows):
    """PNG bytes of ``rows`` (``height`` bytes objects of ``width * channels`` 8-bit samples)."""
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b""))


def _to_nested(value):
    """numpy arrays and torch tensors as nested lists (without importing either)."""
    detach = getattr(value, "detach", None)
    if callable(detach):  # torch
        value = detach()
        cpu = getattr(value, "cpu", None)
        if callable(cpu):
            value = cpu()
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, (list, tuple)):
        return tolist()
    return value


def _shape(nested):
    shape = []
    v = nested
    while isinstance(v, (list, tuple)):
        shape.append(len(v))
        if not v:
            break
        v = v[0]
    return shape


def _sample(x, floats):
    if isinstance(x, bool):
        return 255 if x else 0
    if floats:
        x = x * 255.0
    if x != x:  # NaN
        return 0
    return 0 if x <= 0 else 255 if x >= 255 else int(round(x))


def pixels_to_png(value):
    """PNG bytes of an H×W, H×W×C or C×H×W array-like (see the module comment)."""
    nested = _to_nested(value)
    shape = _shape(nested)
    if len(shape) == 2:
        height, width, channels = shape[0], shape[1], 1
        get = lambda y, x, c: nested[y][x]  # noqa: E731
    elif len(shape) == 3 and shape[2] in (1, 3, 4):
        height, width, channels = shape
        get = lambda y, x, c: nested[y][x][c]  # noqa: E731
    elif len(shape) == 3 and shape[0] in (1, 3, 4):
        channels, height, width = shape
        get = lambda y, x, c: nested[c][y][x]  # noqa: E731
    else:
        raise ValueError("labbook.log_image: pixels must be H×W, H×W×C or C×H×W with C in 1, 3, 4; "
                         "got shape %s" % (tuple(shape),))
    if not height or not width:
        raise ValueError("labbook.log_image: the image is empty (shape %s)" % (tuple(shape),))
    floats = False
    for y in range(height):
        for x in range(width):
            for c in range(channels):
                v = get(y, x, c)
                if isinstance(v, float):
                    floats = True
                    break
                if not isinstance(v, (int, float)):
                    raise TypeError("labbook.log_image: pixel values must be numbers, got %r" % (v,))
            if floats:
                break
        if floats:
            break
    rows = []
    for y in range(height):
        row = bytearray(width * channels)
        i = 0
        for x in range(width):
            for c in range(channels):
                row[i] = _sample(get(y, x, c), floats)
                i += 1
        rows.append(row)
    return encode_png(width, height, channels, rows)


def image_bytes(image):
    """(bytes, extension) of anything ``log_image`` accepts."""
    if isinstance(image, (str, os.PathLike)):
        with open(image, "rb") as f:
            data = f.read()
        ext = image_extension(data)
        if ext is None:
            raise ValueError("labbook.log_image: %r is not a PNG, JPEG, GIF, WebP or BMP file" % (os.fspath(image),))
        return data, ext
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
        ext = image_extension(data)
        if ext is None:
            raise ValueError("labbook.log_image: the bytes are not a PNG, JPEG, GIF, WebP or BMP image")
        return data, ext
    save = getattr(image, "save", None)
    if callable(save) and hasattr(image, "size") and hasattr(image, "mode"):  # PIL
        buf = io.BytesIO()
        save(buf, format="PNG")
        return buf.getvalue(), "png"
    return pixels_to_png(image), "png"
