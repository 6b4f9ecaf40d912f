"""Artifacts and datasets: copies, hashes, symlinks, the outputs folder."""

import hashlib
import os
import unittest
import warnings

from helpers import LabbookTestCase, labbook, of_type
from labbook import _files


def sha(data):
    return hashlib.sha256(data).hexdigest()


class FilesTestCase(LabbookTestCase):

    def write(self, rel, data):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def artifacts(self, run):
        return of_type(self.records(run), "artifact")


class ArtifactTests(FilesTestCase):

    def test_log_artifact_copies_and_records(self):
        self.write("model.bin", b"\x00\x01weights")
        run = self.init()
        name = labbook.log_artifact("model.bin", artifact_path="checkpoints/best")
        self.assertEqual(name, "checkpoints/best/model.bin")
        rec = self.artifacts(run)[0]
        self.assertEqual(rec["path"], "artifacts/checkpoints/best/model.bin")
        self.assertEqual(rec["name"], "checkpoints/best/model.bin")
        self.assertEqual(rec["size"], 9)
        self.assertEqual(rec["sha256"], sha(b"\x00\x01weights"))
        with open(os.path.join(run.path, rec["path"]), "rb") as f:
            self.assertEqual(f.read(), b"\x00\x01weights")
        # no leftovers from the atomic copy
        self.assertEqual(os.listdir(os.path.join(run.path, "artifacts", "checkpoints", "best")),
                         ["model.bin"])

    def test_no_artifact_path(self):
        self.write("a.txt", b"a")
        run = self.init()
        run.log_artifact(os.path.join(self.tmp, "a.txt"))
        self.assertEqual(self.artifacts(run)[0]["name"], "a.txt")

    def test_bad_artifact_paths(self):
        self.write("a.txt", b"a")
        run = self.init()
        for bad in ("../x", "/abs", "a/../../b", "C:/x"):
            with self.assertRaises(ValueError, msg=bad):
                run.log_artifact("a.txt", bad)
        self.assertEqual(run.log_artifact("a.txt", "./x//y/"), "x/y/a.txt")
        with self.assertRaises(FileNotFoundError):
            run.log_artifact("missing.txt")

    def test_log_artifacts_tree_and_symlinks(self):
        self.write("out/a.txt", b"A")
        self.write("out/sub/b.txt", b"BB")
        secret = self.write("secret.txt", b"outside")
        os.symlink(secret, os.path.join(self.tmp, "out", "leak.txt"))
        os.symlink(os.path.join(self.tmp, "out", "a.txt"), os.path.join(self.tmp, "out", "alias.txt"))
        os.symlink(self.tmp, os.path.join(self.tmp, "out", "up"))  # a dir link leaving the tree
        os.symlink(os.path.join(self.tmp, "out"), os.path.join(self.tmp, "out", "sub", "loop"))
        run = self.init()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            names = run.log_artifacts("out", "data")
        self.assertEqual(names, ["data/a.txt", "data/alias.txt", "data/sub/b.txt"])
        self.assertEqual(len(caught), 1)
        self.assertIn("leak.txt", str(caught[0].message))
        recs = self.artifacts(run)
        self.assertEqual([(r["name"], r["size"]) for r in recs],
                         [("data/a.txt", 1), ("data/alias.txt", 1), ("data/sub/b.txt", 2)])
        self.assertFalse(os.path.exists(os.path.join(run.path, "artifacts", "data", "leak.txt")))
        # a copied link is a plain file
        self.assertFalse(os.path.islink(os.path.join(run.path, "artifacts", "data", "alias.txt")))

    def test_log_artifact_of_a_folder(self):
        self.write("ckpt/w.pt", b"w")
        run = self.init()
        self.assertEqual(run.log_artifact("ckpt", "models"), ["models/ckpt/w.pt"])

    def test_log_artifacts_never_copies_the_run_into_itself(self):
        self.write("code/x.py", b"x")
        run = self.init()
        names = run.log_artifacts(self.tmp)  # the log root is inside the folder
        self.assertEqual(names, ["code/x.py"])

    def test_relog_replaces(self):
        path = self.write("m.txt", b"1")
        run = self.init()
        run.log_artifact(path)
        self.write("m.txt", b"22")
        run.log_artifact(path)
        recs = self.artifacts(run)
        self.assertEqual([r["size"] for r in recs], [1, 2])
        with open(os.path.join(run.path, "artifacts", "m.txt"), "rb") as f:
            self.assertEqual(f.read(), b"22")

    def test_outputs_path_files_are_recorded_at_finish(self):
        run = self.init()
        out = labbook.get_outputs_path()
        self.assertEqual(out, os.path.join(run.path, "artifacts"))
        with open(os.path.join(out, "plot.svg"), "wb") as f:
            f.write(b"<svg/>")
        run.log_artifact(self.write("x.txt", b"x"))
        run.finish()
        recs = self.artifacts(run)
        self.assertEqual(sorted(r["name"] for r in recs), ["plot.svg", "x.txt"])
        plot = [r for r in recs if r["name"] == "plot.svg"][0]
        self.assertEqual((plot["path"], plot["sha256"]), ("artifacts/plot.svg", sha(b"<svg/>")))
        self.assertEqual(self.records(run)[-1]["t"], "status")

    def test_artifact_already_in_outputs(self):
        run = self.init()
        path = os.path.join(run.get_outputs_path(), "w.bin")
        with open(path, "wb") as f:
            f.write(b"abc")
        self.assertEqual(run.log_artifact(path), "w.bin")
        run.finish()
        self.assertEqual(len(self.artifacts(run)), 1)


class DatasetTests(FilesTestCase):

    def test_file_dataset(self):
        self.write("data/train.csv", b"x,y\n1,2\n")
        run = self.init()
        rec = labbook.log_dataset("train", path="data/train.csv", description="tiny",
                                  context="training")
        got = of_type(self.records(run), "dataset")[0]
        self.assertEqual(got, rec)
        self.assertEqual((got["name"], got["path"], got["size"], got["sha256"], got["description"],
                          got["context"]),
                         ("train", "data/train.csv", 8, sha(b"x,y\n1,2\n"), "tiny", "training"))
        self.assertNotIn("uri", got)

    def test_folder_dataset_hash(self):
        self.write("imgs/b.png", b"bb")
        self.write("imgs/a/c.png", b"c")
        self.write("imgs/é.png", b"e")
        run = self.init()
        run.log_data_ref("imgs", path="imgs")
        got = of_type(self.records(run), "dataset")[0]
        lines = "".join("%s,%d,%s\n" % (rel, len(data), sha(data)) for rel, data in
                        sorted([("a/c.png", b"c"), ("b.png", b"bb"), ("é.png", b"e")],
                               key=lambda x: x[0].encode("utf-8")))
        self.assertEqual(got["sha256"], sha(lines.encode("utf-8")))
        self.assertEqual(got["size"], 4)

    def test_remote_dataset(self):
        run = self.init()
        run.log_dataset("imagenet", uri="s3://bucket/imagenet/", context="training")
        run.log_dataset("hub", path="hf://datasets/x")
        recs = of_type(self.records(run), "dataset")
        self.assertEqual([(r["name"], r.get("uri"), "sha256" in r) for r in recs],
                         [("imagenet", "s3://bucket/imagenet/", False), ("hub", "hf://datasets/x", False)])

    def test_bad_datasets(self):
        run = self.init()
        with self.assertRaises(ValueError):
            run.log_dataset("", uri="s3://x")
        with self.assertRaises(ValueError):
            run.log_dataset("x")
        with self.assertRaises(FileNotFoundError):
            run.log_dataset("x", path="nope.csv")


class HashTreeTests(unittest.TestCase):

    def test_empty_folder(self):
        import tempfile
        d = tempfile.mkdtemp()
        try:
            self.assertEqual(_files.hash_tree(d), (0, sha(b""), []))
        finally:
            os.rmdir(d)


if __name__ == "__main__":
    unittest.main()
