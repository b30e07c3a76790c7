#!/usr/bin/env python3
"""Refreshes translations/berth_zh_CN.ts from the sources, or checks it.

lupdate names a tr() call's context after the scope it sits in ("berth::layer",
"ContentStore"), but engine code calls the free function berth::tr(), which looks
messages up in the single context "berth" (util/Result.h). So after lupdate every
engine context is folded into "berth"; the GUI's contexts keep their own names,
since QObject::tr() uses the class name: berth::app::* classes, the forms' classes
(<class> in each .ui) and "main" (main.cpp's QCoreApplication::translate calls).

  update_ts.py LUPDATE TS SOURCES...          rewrite TS (translations kept)
  update_ts.py --check LUPDATE TS SOURCES...  exit 1 when TS lacks a message the
                                              sources use or has one untranslated
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


GUI_CONTEXTS = {"main"}


def engine_context(name):
    return not (name in GUI_CONTEXTS or name.startswith("berth::app::"))


def fold(tree):
    ts = tree.getroot()
    merged = {}
    order = []
    for ctx in list(ts.findall("context")):
        name = ctx.findtext("name")
        target = "berth" if engine_context(name) else name
        if target not in merged:
            merged[target] = {}
            order.append(target)
        for msg in ctx.findall("message"):
            key = (msg.findtext("source"), msg.findtext("comment") or "")
            prev = merged[target].get(key)
            # Keep the translated copy when the same text occurs in two scopes.
            if prev is None or (prev.find("translation").get("type") == "unfinished"
                                and msg.find("translation").get("type") != "unfinished"):
                merged[target][key] = msg
        ts.remove(ctx)
    for name in sorted(order):
        ctx = ET.SubElement(ts, "context")
        ET.SubElement(ctx, "name").text = name
        for key in sorted(merged[name]):
            ctx.append(merged[name][key])
    ET.indent(tree, space="    ")


def run_lupdate(lupdate, ts_path, sources):
    with tempfile.NamedTemporaryFile("w", suffix=".lst", delete=False) as lst:
        lst.write("\n".join(sources))
    try:
        done = subprocess.run([lupdate, "-silent", "-no-obsolete", "-locations", "none",
                               "@" + lst.name, "-ts", ts_path], stderr=subprocess.PIPE, text=True)
        # lupdate complains about every namespace it takes for a class without
        # Q_OBJECT; those are the contexts fold() merges, so only other lines matter.
        noise = ("lacks Q_OBJECT", "undeclared qualified class", "unknown namespace")
        for line in done.stderr.splitlines():
            if not any(n in line for n in noise):
                print(line, file=sys.stderr)
        if done.returncode != 0:
            raise SystemExit(f"lupdate failed with status {done.returncode}")
    finally:
        os.unlink(lst.name)


def messages(path):
    out = {}
    for ctx in ET.parse(path).getroot().findall("context"):
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            done = tr is not None and tr.get("type") not in ("unfinished", "obsolete", "vanished") \
                and ((tr.text or "").strip() or tr.findall("numerusform"))
            out[(ctx.findtext("name"), msg.findtext("source"))] = bool(done)
    return out


def main(argv):
    check = argv[:1] == ["--check"]
    if check:
        argv = argv[1:]
    lupdate, ts_path, sources = argv[0], argv[1], argv[2:]
    for src in sources:
        if src.endswith(".ui"):
            GUI_CONTEXTS.add(ET.parse(src).getroot().findtext("class"))
    if check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = os.path.join(tmp, "fresh.ts")
            with open(ts_path, "rb") as f, open(fresh, "wb") as g:
                g.write(f.read())
            run_lupdate(lupdate, fresh, sources)
            tree = ET.parse(fresh)
            fold(tree)
            tree.write(fresh, encoding="utf-8", xml_declaration=True)
            have = messages(ts_path)
            want = messages(fresh)
        bad = [f"missing: [{c}] {s}" for (c, s) in want if (c, s) not in have]
        bad += [f"untranslated: [{c}] {s}" for (c, s), ok in have.items() if not ok]
        bad += [f"obsolete: [{c}] {s}" for (c, s) in have if (c, s) not in want]
        for line in bad:
            print(line)
        print(f"{len(want)} messages, {len(bad)} problems")
        return 1 if bad else 0
    # lupdate files the engine's messages under per-scope contexts again, which
    # leaves the folded "berth" ones obsolete; keep their translations to put back.
    known = {}
    for ctx in ET.parse(ts_path).getroot().findall("context"):
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") is None:
                known[(ctx.findtext("name"), msg.findtext("source"))] = tr
    run_lupdate(lupdate, ts_path, sources)
    tree = ET.parse(ts_path)
    fold(tree)
    for ctx in tree.getroot().findall("context"):
        for msg in ctx.findall("message"):
            old = known.get((ctx.findtext("name"), msg.findtext("source")))
            tr = msg.find("translation")
            if old is not None and tr.get("type") == "unfinished":
                msg.remove(tr)
                msg.append(old)
    ET.indent(tree, space="    ")
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    with open(ts_path, "a", encoding="utf-8") as f:
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
