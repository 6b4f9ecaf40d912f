"""log_image: every accepted input, exact pixels, step rules, records, resume."""

import os
import struct
import warnings
import zlib

from helpers import LabbookTestCase, of_type

import labbook
from labbook import _image

try:
    import numpy
except ImportError:  # pragma: no cover - depends on the machine
    numpy = None
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def decode_png(data):
    """(width, height, channels, rows) of a PNG written by the SDK (8-bit, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF, "chunk CRC"
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat += payload
        pos += 12 + length
    width, height, depth, color, _, _, _ = ihdr
    channels = {0: 1, 2: 3, 6: 4}[color]
    assert depth == 8
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    rows = []
    for y in range(height):
        line = raw[y * stride:(y + 1) * stride]
        assert line[0] == 0
        rows.append(list(line[1:]))
    return width, height, channels, rows


class PixelTests(LabbookTestCase):

    def test_grey_floats_scaled_and_clipped(self):
        png = _image.pixels_to_png([[0.0, 0.5, 1.0], [2.0, -1.0, float("nan")]])
        self.assertEqual(decode_png(png), (3, 2, 1, [[0, 128, 255], [255, 0, 0]]))

    def test_hwc_ints_and_chw(self):
        hwc = [[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [300, -5, 7]]]
        self.assertEqual(decode_png(_image.pixels_to_png(hwc)),
                         (2, 2, 3, [[255, 0, 0, 0, 255, 0], [0, 0, 255, 255, 0, 7]]))
        chw = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]
        self.assertEqual(decode_png(_image.pixels_to_png(chw)),
                         (2, 2, 3, [[1, 5, 9, 2, 6, 10], [3, 7, 11, 4, 8, 12]]))
        rgba = [[[1, 2, 3, 4]]]
        self.assertEqual(decode_png(_image.pixels_to_png(rgba)), (1, 1, 4, [[1, 2, 3, 4]]))

    def test_bad_pixels(self):
        for bad in ([1, 2, 3], [[[1, 2]], [[3, 4]]], [], [[]], [["a"]]):
            with self.assertRaises((ValueError, TypeError)):
                _image.pixels_to_png(bad)

    def test_numpy_and_torch(self):
        if numpy is None and torch is None:
            self.skipTest("neither numpy nor torch is installed")
        if numpy is not None:
            a = numpy.zeros((2, 3, 3), dtype=numpy.uint8)
            a[1, 2] = (10, 20, 30)
            self.assertEqual(decode_png(_image.pixels_to_png(a))[3][1][6:9], [10, 20, 30])
        if torch is not None:
            t = torch.zeros((3, 2, 2))  # C×H×W floats, as torchvision gives
            t[0, 1, 1] = 1.0
            self.assertEqual(decode_png(_image.pixels_to_png(t))[3], [[0] * 6, [0, 0, 0, 255, 0, 0]])

    def test_signatures(self):
        self.assertEqual(_image.image_extension(b"\xff\xd8\xff\xe0abc"), "jpg")
        self.assertEqual(_image.image_extension(b"RIFF\x00\x00\x00\x00WEBPVP8 "), "webp")
        self.assertEqual(_image.image_extension(b"GIF89a......"), "gif")
        self.assertIsNone(_image.image_extension(b"<svg/>"))


class LogImageTests(LabbookTestCase):

    def test_steps_records_and_files(self):
        run = self.init()
        self.assertEqual(labbook.log_image("samples", [[0, 255]]), "images/samples/step_0.png")
        self.assertEqual(labbook.log_image("samples", [[255, 0]]), "images/samples/step_1.png")
        self.assertEqual(labbook.log_image("val/pred", [[1]], step=7, caption="epoch 7"), "images/val/pred/step_7.png")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.assertIsNone(labbook.log_image("samples", [[9]], step=1))
        self.assertIn("already has an image at step 1", str(caught[0].message))
        recs = of_type(self.records(run), "artifact")
        self.assertEqual([(r["name"], r["step"]) for r in recs],
                         [("images/samples/step_0.png", 0), ("images/samples/step_1.png", 1), ("images/val/pred/step_7.png", 7)])
        self.assertEqual(recs[2]["caption"], "epoch 7")
        with open(os.path.join(run.path, "artifacts", "images", "samples", "step_1.png"), "rb") as f:
            data = f.read()
        self.assertEqual(decode_png(data), (2, 1, 1, [[255, 0]]))
        self.assertEqual(recs[1]["size"], len(data))

    def test_files_bytes_and_pil_like(self):
        run = self.init()
        png = _image.pixels_to_png([[1, 2]])
        path = os.path.join(self.tmp, "pic.png")
        with open(path, "wb") as f:
            f.write(png)
        jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 20
        self.assertEqual(run.log_image("a", path), "images/a/step_0.png")
        self.assertEqual(run.log_image("a", jpeg), "images/a/step_1.jpg")

        class FakePil(object):
            size = (1, 1)
            mode = "RGB"

            def save(self, fp, format=None):
                assert format == "PNG"
                fp.write(png)
        self.assertEqual(run.log_image("a", FakePil()), "images/a/step_2.png")
        with self.assertRaises(ValueError):
            run.log_image("a", b"not an image")
        for bad_key in ("", "../x", "/abs"):
            with self.assertRaises(ValueError):
                run.log_image(bad_key, png)
        self.assertEqual(len(of_type(self.records(run), "artifact")), 3)

    def test_resume_continues_the_steps(self):
        run = self.init()
        run.log_image("s", [[0]])
        run.log_image("s", [[0]])
        run.finish()
        again = self.init(resume=run.id)
        self.assertEqual(again.log_image("s", [[0]]), "images/s/step_2.png")
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            self.assertIsNone(again.log_image("s", [[0]], step=0))
