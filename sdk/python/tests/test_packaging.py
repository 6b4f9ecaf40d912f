"""What ``pip install sdk/python`` installs: every package of the SDK, so that importing
labbook (which imports labbook.sweep) works from an installed copy too."""

import ast
import os
import re
import unittest

from helpers import SDK_DIR


def listed_packages():
    with open(os.path.join(SDK_DIR, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"^packages\s*=\s*(\[[^\]]*\])", text, re.M)
    return set(ast.literal_eval(match.group(1)))


def package_folders():
    out = set()
    root = os.path.join(SDK_DIR, "labbook")
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        if "__init__.py" in files:
            out.add(os.path.relpath(folder, SDK_DIR).replace(os.sep, "."))
    return out


class PackagingTests(unittest.TestCase):

    def test_every_package_is_installed(self):
        self.assertEqual(listed_packages(), package_folders())


if __name__ == "__main__":
    unittest.main()
