#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""scripts/manifest.py, run exactly as the build runs it: a good manifest
gives the C table the kernel mints (kinds, objects, rights, lines, limits);
each malformed one fails with status 1 and the one precise message
`<file>:<line>: manifest error: <what>`, and writes no table."""
import os
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TOOL = os.path.join(TOP, "scripts", "manifest.py")


class ManifestTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="cairn-manifest-")
        self.src = os.path.join(self.tmp.name, "manifest")
        self.out = os.path.join(self.tmp.name, "manifest.c")

    def tearDown(self):
        self.tmp.cleanup()

    def run_tool(self, text):
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(self.src, mode) as f:
            f.write(text)
        return subprocess.run([sys.executable, TOOL, self.src, self.out],
                              capture_output=True, text=True)

    def table(self, text):
        p = self.run_tool(text)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        with open(self.out, encoding="utf-8") as f:
            return f.read()

    def error(self, text, line, what):
        p = self.run_tool(text)
        self.assertEqual(p.returncode, 1, f"accepted: {text!r}")
        self.assertEqual(p.stderr, f"{self.src}:{line}: manifest error: {what}\n")
        self.assertFalse(os.path.exists(self.out), "a table was written")

    # ---- good manifests ----------------------------------------------------

    def test_good_manifest_gives_one_table_row_per_grant(self):
        c = self.table("# comment\n"
                       "console   boot  write      # trailing comment\n"
                       "\n"
                       "memory    heap  map,read,write 16M\n"
                       "memory    dma   read 4096\n"
                       "console   log   write,duplicate,transfer\n")
        self.assertIn('\t{ MANIFEST_CONSOLE, "boot", CAIRN_RIGHT_WRITE, 2, 0ull },\n', c)
        self.assertIn('\t{ MANIFEST_MEMORY, "heap", CAIRN_RIGHT_MAP | CAIRN_RIGHT_READ'
                      ' | CAIRN_RIGHT_WRITE, 4, 16777216ull },\n', c)
        self.assertIn('\t{ MANIFEST_MEMORY, "dma", CAIRN_RIGHT_READ, 5, 4096ull },\n', c)
        self.assertIn('\t{ MANIFEST_CONSOLE, "log", CAIRN_RIGHT_WRITE | '
                      'CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, 6, 0ull },\n', c)
        self.assertIn("const size_t manifest_ngrants = 4;\n", c)
        self.assertIn("#include <kernel/manifest.h>\n", c)
        # Rows keep the manifest's order.
        self.assertLess(c.index('"boot"'), c.index('"heap"'))
        self.assertLess(c.index('"dma"'), c.index('"log"'))

    def test_size_suffixes_and_largest_size(self):
        c = self.table("memory a map 64K\nmemory b map 1G\nmemory c map 1024G\n")
        self.assertIn('"a", CAIRN_RIGHT_MAP, 1, 65536ull', c)
        self.assertIn('"b", CAIRN_RIGHT_MAP, 2, 1073741824ull', c)
        self.assertIn('"c", CAIRN_RIGHT_MAP, 3, 1099511627776ull', c)

    def test_empty_manifest_grants_nothing(self):
        c = self.table("# nothing at all\n\n")
        self.assertIn("const size_t manifest_ngrants = 0;\n", c)

    def test_the_appliances_own_manifests_are_valid(self):
        apps = os.path.join(TOP, "apps")
        for app in sorted(os.listdir(apps)):
            m = os.path.join(apps, app, "manifest")
            if not os.path.isfile(m):
                continue
            p = subprocess.run([sys.executable, TOOL, m, self.out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, f"apps/{app}/manifest: {p.stderr}")

    # ---- malformed manifests -----------------------------------------------

    def test_unknown_kind(self):
        self.error("console boot write\nfile boot write\n", 2,
                   "unknown kind 'file' (known: console, memory)")

    def test_unknown_kind_is_named_whatever_its_word_count(self):
        self.error("disk sda read 4K\n", 1,
                   "unknown kind 'disk' (known: console, memory)")
        self.error("Console boot write\n", 1,
                   "unknown kind 'Console' (known: console, memory)")

    def test_wrong_word_counts(self):
        self.error("console boot\n", 1,
                   "expected '<kind> <object> <rights>', got 2 words")
        self.error("console boot write 4K\n", 1,
                   "expected '<kind> <object> <rights>', got 4 words")
        self.error("memory heap map,read,write\n", 1,
                   "expected '<kind> <object> <rights> <size>', got 3 words")
        self.error("\n\n  memory heap map 4K extra\n", 3,
                   "expected '<kind> <object> <rights> <size>', got 5 words")

    def test_bad_object_names(self):
        self.error("console bo\"ot write\n", 1,
                   "object name 'bo\"ot' must be 1-63 of [A-Za-z0-9_./-]")
        self.error("console " + "x" * 64 + " write\n", 1,
                   "object name '" + "x" * 64 + "' must be 1-63 of [A-Za-z0-9_./-]")

    def test_unknown_and_meaningless_rights(self):
        self.error("console boot writ\n", 1,
                   "unknown right 'writ' (known: read, write, execute, map, "
                   "duplicate, transfer)")
        self.error("console boot write,map\n", 1,
                   "right 'map' means nothing for a console (allowed: "
                   "duplicate, transfer, write)")

    def test_empty_and_repeated_rights(self):
        self.error("console boot write,\n", 1,
                   "rights 'write,' have an empty entry")
        self.error("memory heap ,map 4K\n", 1,
                   "rights ',map' have an empty entry")
        self.error("memory heap map,read,map 4K\n", 1,
                   "right 'map' is listed twice")

    def test_bad_sizes(self):
        self.error("memory heap map 16MB\n", 1,
                   "size '16MB' must be a number with an optional K, M or G")
        self.error("memory heap map 0x1000\n", 1,
                   "size '0x1000' must be a number with an optional K, M or G")
        self.error("memory heap map 0\n", 1,
                   "size '0' must be a non-zero multiple of 4K, at most 1024G")
        self.error("memory heap map 6K\n", 1,
                   "size '6K' must be a non-zero multiple of 4K, at most 1024G")
        self.error("memory heap map 1025G\n", 1,
                   "size '1025G' must be a non-zero multiple of 4K, at most 1024G")

    def test_duplicate_grant(self):
        self.error("console boot write\n# again\nconsole boot duplicate\n", 3,
                   "console 'boot' is granted twice")

    def test_same_object_name_of_two_kinds_is_two_grants(self):
        c = self.table("console boot write\nmemory boot map 4K\n")
        self.assertIn("const size_t manifest_ngrants = 2;\n", c)

    def test_text_that_is_not_utf8(self):
        self.error(b"console boot write\nconsole b\xffot write\n", 2,
                   "not UTF-8 text")

    def test_missing_manifest_file(self):
        p = subprocess.run([sys.executable, TOOL, self.src, self.out],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"{self.src}: manifest error: cannot read: "
                         "No such file or directory\n")

    def test_wrong_usage(self):
        p = subprocess.run([sys.executable, TOOL, self.src],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertTrue(p.stderr.startswith("usage: manifest.py MANIFEST OUTPUT.c\n"),
                        p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
