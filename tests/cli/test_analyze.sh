# berth image analyze / compare through the real berth and berth-shim, as root:
# a busybox image, then containers that add a 1 MiB file, delete it and
# overwrite /etc/group, each committed; the report's figures (dive's and the
# hidden bytes) checked against the numbers worked out below, the JSON parsed,
# the CI rules' exit codes, and the comparison of two images sharing a base.
source "$(dirname "$0")/lib.sh"
need busybox
need python3
need_root
[[ -x $BERTH_BIN/berth-shim ]] || skip "berth-shim is not built in $BERTH_BIN"

trap cleanup_containers EXIT

R=$T/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list | grep -vx busybox); do ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd" # 30 bytes
printf 'root:x:0:\n' > "$R/etc/group"                      # 10 bytes
chmod 1777 "$R/tmp"
tar -C "$R" -cf "$T/bb.tar" .
berth import -c 'CMD ["sh"]' "$T/bb.tar" busybox >/dev/null
BUSYBOX=$(stat -c %s /bin/busybox)

step() { # name image command -> commits the container's changes as name
    berth run --name "$1-c" "$2" sh -c "$3" >/dev/null
    berth commit "$1-c" "$1" >/dev/null
    berth rm "$1-c" >/dev/null
}
step big busybox 'dd if=/dev/zero of=/big bs=1024 count=1024 2>/dev/null'
step deleted big 'rm /big'
step rewritten deleted "printf 'root:x:0:\nusers:x:100:\n' > /etc/group" # 23 bytes
step other big 'echo other > /other'

# By dive's rules (each layer's leaves counted per path):
#   /big: 1048576 in layer 1 and 0 in layer 2 (a file's whiteout costs nothing)
#   /etc/group: 10 in layer 0 and 23 in layer 3
# wasted = 1048576 + 33; every other path appears once.
WASTED=1048609
USER=$((1048576 + 23))
HIDDEN=$((1048576 + 10))
EFFICIENCY=$(python3 -c "print('%.4f' % ((${BUSYBOX} + 40) * 100 / (${BUSYBOX} + 40 + 1048576 + 23)))")
USERPCT=$(python3 -c "print('%.4f' % (${WASTED} * 100 / ${USER}))")

# --- the report ------------------------------------------------------------------
run berth image analyze rewritten
assert_eq 0 "$RC" "analyze exits 0"
assert_contains "$OUT" "Wasted bytes: $WASTED (1.049MB)" "wasted bytes"
assert_contains "$OUT" "Efficiency: $EFFICIENCY %" "efficiency"
assert_contains "$OUT" "User wasted percent: $USERPCT %" "user wasted percent"
assert_contains "$OUT" "Hidden bytes: $HIDDEN (1.049MB) in 2 files" "hidden bytes"
assert_match "$OUT" $'\n1[[:space:]]+1.05MB[[:space:]]+[0-9a-f]{12}[[:space:]]+sh -c dd if=/dev/zero' \
    "the layer table: index, size, id, command"
assert_match "$OUT" $'\n2[[:space:]]+[^\n]*rm /big' "layer 2 is the rm"
assert_match "$OUT" '1.049MB +/big +layer 1 \(sh -c dd[^)]*\) +layer 2 \(sh -c rm /big\) +deleted' \
    "the 1 MiB file: added by layer 1, hidden by layer 2"
assert_match "$OUT" '10B +/etc/group +layer 0 +layer 3 \(sh -c printf[^)]*\) +overwritten' \
    "/etc/group: added by the base, hidden by layer 3"
assert_contains "$OUT" "does not shrink the image" "the explanation"
assert_match "$OUT" '    2       1.049MB  /big' "inefficient files list /big"
assert_match "$OUT" '    2           33B  /etc/group' "and /etc/group"

# A `docker save` archive whose history has metadata-only steps (empty_layer):
# they are listed under the layer below them, as `docker history` shows them.
python3 - "$T/bb.tar" "$T/meta.tar" <<'EOF'
import hashlib, io, json, sys, tarfile
layer = open(sys.argv[1], "rb").read()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({
    "architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [
        {"created_by": "/bin/sh -c #(nop) LABEL stage=first", "empty_layer": True},
        {"created_by": "/bin/sh -c #(nop) ADD file:busybox in / "},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": True},
    ]}).encode()
manifest = json.dumps([{"Config": "config.json", "RepoTags": ["meta:latest"],
                        "Layers": ["layer.tar"]}]).encode()
with tarfile.open(sys.argv[2], "w") as out:
    for name, data in (("config.json", config), ("manifest.json", manifest), ("layer.tar", layer)):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
EOF
berth load -i "$T/meta.tar" >/dev/null
run berth image analyze meta
assert_match "$OUT" $'INDEX[^\n]*\n +/bin/sh -c #\\(nop\\) LABEL stage=first\n0 +1.98MB' \
    "a metadata step before the first layer comes first"
assert_match "$OUT" $'\n0 +[^\n]*ADD file:busybox in / *\n +/bin/sh -c #\\(nop\\)  CMD \\["sh"\\]\n' \
    "a metadata step is listed under the layer below it"
run berth image analyze --layer 0 meta
assert_contains "$OUT" 'Metadata:   /bin/sh -c #(nop)  CMD ["sh"]' "--layer names its metadata steps"

# --- --layer -----------------------------------------------------------------------
run berth image analyze --layer 2 --tree rewritten
assert_eq 0 "$RC" "--layer 2 --tree"
assert_match "$OUT" 'D +- +- +1.049MB +└── big' "the whiteout is D with the bytes it hides"
assert_contains "$OUT" "ChainID:    sha256:" "the layer's chainID"
assert_contains "$OUT" "$ROOT/oci/blobs/sha256/" "where its blob lives"
run berth image analyze --layer 3 --tree rewritten
assert_match "$OUT" 'M +-rw-r--r-- +0:0 +23B +    └── group' "the rewritten file is M"
run berth image analyze --layer 1 --union rewritten
assert_match "$OUT" '1 +-rw-r--r-- +0:0 +1.049MB +├── big' "the union at layer 1 has /big from layer 1"
assert_match "$OUT" '0 +-rw-r--r-- +0:0 +10B +│   ├── group' "and the base's /etc/group"
run berth image analyze --layer 3 --union rewritten
assert_not_contains "$OUT" "big" "the union at layer 3 has no /big"
assert_match "$OUT" '3 +-rw-r--r-- +0:0 +23B' "and layer 3's /etc/group"
run berth image analyze --layer 4 rewritten
assert_eq 125 "$RC" "a layer out of range is a usage error"

# --- --json ------------------------------------------------------------------------
berth image analyze --json rewritten > "$T/a.json"
run python3 - "$T/a.json" "$WASTED" "$HIDDEN" "$BUSYBOX" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
wasted, hidden, busybox = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
img = d["image"]
assert img["inefficientBytes"] == wasted, img
assert abs(img["efficiencyScore"] - (busybox + 40) / (busybox + 40 + 1048576 + 23)) < 1e-12
assert img["userSizeBytes"] == 1048576 + 23
refs = {r["file"]: (r["count"], r["sizeBytes"]) for r in img["fileReference"]}
assert refs == {"/big": (2, 1048576), "/etc/group": (2, 33)}, refs
assert [l["index"] for l in d["layer"]] == [0, 1, 2, 3]
assert d["layer"][1]["sizeBytes"] == 1048576
assert d["layer"][1]["changes"]["added"] == 1
assert d["layer"][2]["changes"]["deleted"] == 1
assert d["layer"][2]["changes"]["deletedBytes"] == 1048576
assert d["layer"][2]["command"] == "sh -c rm /big"
assert all(l["digestId"].startswith("sha256:") and l["chainId"].startswith("sha256:") for l in d["layer"])
# the base is shared with busybox, meta, big, deleted and other; layer 1 with the last three
assert len(d["layer"][0]["sharedWith"]) == 5, d["layer"][0]["sharedWith"]
assert len(d["layer"][1]["sharedWith"]) == 3
assert d["layer"][3]["sharedWith"] == []
h = d["hiddenBytes"]
assert h["totalBytes"] == hidden
files = sorted((f["path"], f["sizeBytes"], f["addedBy"], f["hiddenBy"], f["reason"]) for f in h["files"])
assert files == [("/big", 1048576, 1, 2, "deleted"), ("/etc/group", 10, 0, 3, "overwritten")], files
print("json ok")
EOF
assert_eq "json ok" "$OUT" "--json has dive's layout and Berth's figures"

# --- --ci --------------------------------------------------------------------------
cd "$T"
run berth image analyze --ci rewritten
assert_eq 1 "$RC" "--ci with dive's defaults fails"
assert_contains "$OUT" "  Using default CI config" "the default rules"
assert_match "$OUT" 'FAIL: highestUserWastedPercent: too many bytes wasted' "user wasted % fails"
assert_contains "$OUT" "SKIP: highestWastedBytes: rule disabled" "wasted bytes is off by default"
assert_match "$OUT" 'FAIL: lowestEfficiency: image efficiency is too low' "efficiency fails"
assert_contains "$OUT" "Result:FAIL [Total:3] [Passed:0] [Failed:2] [Warn:0] [Skipped:1]" "the tally"
run berth image analyze --ci --lowest-efficiency 0.3 --highest-user-wasted-percent disabled \
    --highest-wasted-bytes 2MB rewritten
assert_eq 0 "$RC" "--ci passes with loose thresholds"
assert_contains "$OUT" "Result:PASS [Total:3] [Passed:2] [Failed:0] [Warn:0] [Skipped:1]" "pass tally"
run berth image analyze --ci --lowest-efficiency 0.3 --highest-user-wasted-percent disabled \
    --highest-wasted-bytes 1MB rewritten
assert_eq 1 "$RC" "1MB (decimal) is less than what is wasted"
assert_contains "$OUT" "FAIL: highestWastedBytes: too many bytes wasted (wasted-bytes=$WASTED > threshold=1000000)" \
    "dive's message"
run berth image analyze --ci --highest-wasted-bytes 1.1MiB --lowest-efficiency 0 \
    --highest-user-wasted-percent 1 busybox
assert_eq 0 "$RC" "a one-layer image wastes nothing"
printf 'rules:\n  # dive'"'"'s file\n  lowestEfficiency: 0.3\n  highestWastedBytes: "2MB"\n  highestUserWastedPercent: disabled\n' > .dive-ci
run berth image analyze --ci rewritten
assert_eq 0 "$RC" "./.dive-ci is read by default"
assert_contains "$OUT" "Using CI config: .dive-ci" "and named"
printf 'rules:\n  lowestEfficiency: 2\n' > "$T/bad-ci"
run berth image analyze --ci --ci-config "$T/bad-ci" rewritten
assert_eq 1 "$RC" "an out-of-range rule fails"
assert_contains "$OUT" "MISCONFIGURED: lowestEfficiency" "as misconfigured"
assert_contains "$OUT" "CI Misconfigured" "dive's last line"
rm .dive-ci
cd - >/dev/null

# --- compare -----------------------------------------------------------------------
run berth image compare deleted other
assert_eq 0 "$RC" "compare exits 0"
assert_contains "$OUT" "Shared layers (same chainID): 2" "the base and the 1 MiB layer are shared"
assert_contains "$OUT" "Layer 2 differs" "they diverge at layer 2"
assert_match "$OUT" 'D +0B +0B +/big' "the whiteout only image 1 has"
assert_match "$OUT" 'A +0B +6B +/other' "the file only image 2 has"
run berth image compare busybox rewritten
assert_contains "$OUT" "Image 1 has no layers of its own." "busybox is rewritten's base"
assert_match "$OUT" 'Only in image 2:' "rewritten's own layers are listed"

run berth image analyze nosuch
assert_eq 1 "$RC" "a missing image fails"
assert_contains "$ERR" "nosuch" "and names it"

finish
