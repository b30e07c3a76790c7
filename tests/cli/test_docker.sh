# Side by side with a real dockerd (private data root, unix socket in the test dir, no
# networking): archives cross both ways with the same image IDs, and berth prints what
# docker prints for the same image. Skipped when docker.io is not installed.
source "$(dirname "$0")/lib.sh"
need busybox
command -v dockerd >/dev/null || skip "docker.io is not installed (installer/install-deps.sh --bench)"
need_root
source "$(dirname "$0")/../bench/lib.sh"
bench_init docker-test
# bench_cleanup exits, so it runs in a subshell for cleanup_lib to run after it.
trap 'rc=$?; set +e; (bench_cleanup); cleanup_lib $rc' EXIT
bench_start_dockerd || skip "dockerd cannot start here"

make_busybox_rootfs "$T/rootfs"
ln -s /bin/busybox "$T/rootfs/bin/abs-link"
ln "$T/rootfs/bin/busybox" "$T/rootfs/bin/hard-link"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .

# docker → berth
DID=$(docker_cli import -c 'CMD ["/bin/sh"]' "$T/rootfs.tar" from/docker:1)
docker_cli save -o "$T/docker.tar" from/docker:1
run berth load -i "$T/docker.tar"
assert_eq "Loaded image: from/docker:1" "$OUT" "berth loads docker save"
assert_eq "$DID" "$(berth inspect -f '{{.Id}}' from/docker:1)" "same image id as docker"
for f in '{{.RootFS.Layers}}' '{{.Config.Cmd}}' '{{.Architecture}}/{{.Os}}' '{{.Created}}' '{{.Size}}' '{{.Comment}}' '{{json .RepoTags}}'; do
    assert_eq "$(docker_cli image inspect -f "$f" from/docker:1)" "$(berth image inspect -f "$f" from/docker:1)" "inspect $f matches docker"
done
F='{{.Repository}} {{.Tag}} {{.ID}} {{.Size}}'
assert_eq "$(docker_cli images --format "$F" from/docker)" "$(berth images --format "$F" from/docker)" "images row matches docker"
assert_eq "$(docker_cli history --format '{{.ID}} {{.CreatedBy}} {{.Size}} {{.Comment}}' from/docker:1)" \
    "$(berth history --format '{{.ID}} {{.CreatedBy}} {{.Size}} {{.Comment}}' from/docker:1)" "history matches docker"

# berth → docker
BID=$(berth import -c 'ENV A=1' "$T/rootfs.tar" from/berth:1)
berth save -o "$T/berth.tar" from/berth:1
run docker_cli load -i "$T/berth.tar"
assert_eq 0 "$RC" "docker loads berth save"
assert_contains "$OUT" "Loaded image: from/berth:1" "docker names the tag"
assert_eq "$BID" "$(docker_cli image inspect -f '{{.Id}}' from/berth:1)" "docker sees the same image id"
assert_eq "$(berth inspect -f '{{.RootFS.Layers}}' from/berth:1)" "$(docker_cli image inspect -f '{{.RootFS.Layers}}' from/berth:1)" "docker sees the same layers"
docker_cli save -o "$T/again.tar" from/berth:1
berth rmi from/berth:1 >/dev/null
run berth load -i "$T/again.tar"
assert_eq "$BID" "$(berth inspect -f '{{.Id}}' from/berth:1)" "berth → docker → berth keeps the id"
finish
