#!/usr/bin/env python3
"""Builds the root file system of the load benchmark's big layer.

The layer must look like a real image layer (a static busybox with its applet links, then
lots of shared libraries and data files of every size) and weigh a chosen number of bytes,
so the benchmark is the same on every Debian machine whatever is installed. Files are
copied from the given host directories, keeping their path below /, until the next file
would pass the cap; smaller files later in the walk still fill the gap.

Prints one JSON object: bytes and files copied, and the size of each source directory.
"""

import argparse
import json
import os
import shutil
import stat
import sys

APPLETS = ["sh", "ash", "ls", "cat", "cp", "mv", "rm", "mkdir", "echo", "env", "grep",
           "sed", "awk", "tar", "gzip", "find", "ps", "mount", "sleep", "true", "false",
           "test", "[", "head", "tail", "wc", "sort", "uname", "id", "chmod", "chown", "ln"]


def tree_bytes(top):
    """Sum of the sizes of the regular files under top (what `du -sb` counts for them)."""
    total = 0
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total


class Filler:
    def __init__(self, dest, cap):
        self.dest = dest
        self.cap = cap
        self.bytes = 0
        self.files = 0

    def full(self):
        # Within 64 KiB of the cap there is nothing worth walking on for.
        return self.cap - self.bytes < 64 * 1024

    def target(self, src):
        return os.path.join(self.dest, src.lstrip("/"))

    def copy_tree(self, top):
        for dirpath, dirs, files in os.walk(top):
            dirs.sort()
            files.sort()
            if self.full():
                return
            out_dir = self.target(dirpath)
            os.makedirs(out_dir, exist_ok=True)
            shutil.copystat(dirpath, out_dir, follow_symlinks=False)
            # os.walk lists links to directories among the directories and never enters
            # them; they are copied as the links they are.
            for name in dirs:
                if os.path.islink(os.path.join(dirpath, name)):
                    self.copy_entry(os.path.join(dirpath, name), os.path.join(out_dir, name))
            for name in files:
                self.copy_entry(os.path.join(dirpath, name), os.path.join(out_dir, name))

    def copy_entry(self, src, dst):
        try:
            st = os.lstat(src)
        except OSError:
            return
        if os.path.lexists(dst):
            return
        if stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(src), dst)
        elif stat.S_ISREG(st.st_mode):
            if self.bytes + st.st_size > self.cap:
                return
            try:
                shutil.copy2(src, dst, follow_symlinks=False)
            except OSError:
                return
            self.bytes += st.st_size
            self.files += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=int, required=True, help="layer size cap in bytes")
    parser.add_argument("--busybox", default="/bin/busybox")
    parser.add_argument("dest")
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args()

    filler = Filler(args.dest, args.cap)
    bin_dir = os.path.join(args.dest, "bin")
    os.makedirs(bin_dir, exist_ok=True)
    filler.copy_entry(args.busybox, os.path.join(bin_dir, "busybox"))
    for applet in APPLETS:
        os.symlink("busybox", os.path.join(bin_dir, applet))
    for d in ("etc", "tmp", "proc", "sys", "dev", "root"):
        os.makedirs(os.path.join(args.dest, d), exist_ok=True)

    source_sizes = {}
    for src in args.sources:
        if not os.path.isdir(src):
            continue
        source_sizes[src] = tree_bytes(src)
        filler.copy_tree(src)
        if filler.full():
            break

    json.dump({"bytes": filler.bytes, "files": filler.files, "sources": source_sizes},
              sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
