# login / logout with the system keychain for real: the test runs in its own
# D-Bus session with gnome-keyring-daemon unlocked, against Debian's
# docker-registry with Basic auth behind TLS ([::1], a CA of the test's own)
# and with token auth (the test's token server). Proves: the password is
# checked before it is kept, kept only in the keychain (no file under the
# test's HOME, root or config holds it), used by pull without any
# environment variable, removed by logout; docker's config.json auths and a
# docker-credential helper are honoured; no keychain means a clear refusal.
if [[ -z ${BERTH_TEST_IN_SESSION:-} ]]; then
    command -v dbus-run-session >/dev/null || { echo "SKIP: dbus-run-session is not installed"; exit 77; }
    BERTH_TEST_IN_SESSION=1 exec dbus-run-session -- bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
need docker-registry
need skopeo
need umoci
need openssl
need htpasswd
need python3
need gnome-keyring-daemon
need secret-tool
need dbus-send
source "$(dirname "$0")/registry_lib.sh"

# Everything the user owns lives under the test's directory, so the grep for
# the password below sees every file Berth could have written.
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
export BERTH_CONFIG=$T/config DOCKER_CONFIG=$T/docker
mkdir -p "$HOME" "$BERTH_CONFIG" "$DOCKER_CONFIG"
unset BERTH_REGISTRY_USER BERTH_REGISTRY_PASSWORD

# The keychain: gnome-keyring's Secret Service on this session's bus, its
# login keyring created and unlocked with the password on stdin.
gnome-keyring-daemon --foreground --unlock --components=secrets < <(printf 'keyring-pw') \
    > "$T/keyring.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q "boolean true" && break
    sleep 0.1
done
keychain() { secret-tool search --all server berth 2>&1 || true; }

# An image on a plain registry; the TLS and token registries serve the same
# directory (skopeo cannot name an IPv6 registry).
OCI=$T/oci
make_busybox_rootfs "$T/base"
umoci init --layout "$OCI"
umoci new --image "$OCI:bb"
umoci unpack --image "$OCI:bb" "$T/bundle" >/dev/null
cp -a "$T/base/." "$T/bundle/rootfs/"
umoci repack --refresh-bundle --image "$OCI:bb" "$T/bundle"
PORT=$(free_port)
start_registry plain 127.0.0.1 "$PORT" "$T/registry-data"
REG=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false "oci:$OCI:bb" "docker://$REG/bb:1"
skopeo copy -q --dest-tls-verify=false "oci:$OCI:bb" "docker://$REG/private/bb:1"
ID1=$(config_digest "$REG/bb:1")

make_pki
start_tls_registry "$T/registry-data"
trust_pki "$TREG"

# Basic auth: a wrong password is refused in docker's words and kept nowhere.
run berth login -u tester --password-stdin "$TREG" <<< "wrong"
assert_eq 1 "$RC" "wrong password: login fails"
assert_eq "Error response from daemon: login attempt to https://$TREG/v2/ failed with status: 401 Unauthorized" "$ERR" "wrong password: docker's message"
assert_eq "" "$(keychain)" "wrong password: nothing in the keychain"

run berth login -u tester --password-stdin "$TREG" <<< "s3cret"
assert_eq 0 "$RC" "login with --password-stdin"
assert_eq "Login Succeeded" "$OUT" "login: docker's message"
assert_contains "$(keychain)" "\"Username\":\"tester\"" "login: the keychain holds the user"
assert_contains "$(keychain)" "\"Secret\":\"s3cret\"" "login: the keychain holds the password"
assert_contains "$(keychain)" "user = $TREG" "login: keyed by the registry"
# No file anywhere under the test's directory (HOME, root, config, docker's
# config) holds the password; gnome-keyring's own file is encrypted.
assert_eq "" "$(grep -rlF s3cret "$T" 2>/dev/null || true)" "login: the password is in no file"

run berth pull "$TREG/bb:1"
assert_eq 0 "$RC" "pull from the Basic registry with the keychain's credentials"
assert_eq "$ID1" "$(berth inspect -f '{{.Id}}' "$TREG/bb:1")" "keychain credentials: same image"

run berth login -u tester -p s3cret "$TREG"
assert_eq 0 "$RC" "login with --password"
assert_eq "WARNING! Using --password via the CLI is insecure. Use --password-stdin." "$ERR" "--password: docker's warning"

run berth logout "$TREG"
assert_eq 0 "$RC" "logout"
assert_eq "Removing login credentials for $TREG" "$OUT" "logout: docker's message"
assert_eq "" "$(keychain)" "logout: the keychain entry is gone"
run berth logout "$TREG"
assert_eq "Not logged in to $TREG" "$OUT" "logout again: docker's message"
berth rmi "$TREG/bb:1" >/dev/null
run berth pull "$TREG/bb:1"
assert_eq 1 "$RC" "after logout: pull denied"
assert_eq "Error response from daemon: Get \"https://$TREG/v2/bb/manifests/1\": no basic auth credentials" "$ERR" "after logout: docker's message"

# Argument checks, in docker's words.
run berth login --password-stdin "$TREG" <<< "s3cret"
assert_eq "Error: Must provide --username with --password-stdin" "$ERR" "--password-stdin needs --username"
run berth login -u tester -p x --password-stdin "$TREG" <<< "s3cret"
assert_contains "$ERR" "Error: --password and --password-stdin are mutually exclusive" "--password with --password-stdin"
run berth login "$TREG" < /dev/null
assert_eq "Error: Cannot perform an interactive login from a non TTY device" "$ERR" "no terminal, no prompt"
# The prompts on a terminal: the password is not echoed.
if command -v script >/dev/null; then
    run script -qec "$BERTH_BIN/berth login $TREG" /dev/null \
        < <(sleep 1; printf 'tester\n'; sleep 1; printf 's3cret\n'; sleep 1)
    assert_contains "$OUT" "Username: tester" "terminal: asks for the user, echoed"
    assert_contains "$OUT" "Password: " "terminal: asks for the password"
    assert_contains "$OUT" "Login Succeeded" "terminal: logged in"
    assert_not_contains "$OUT" "s3cret" "terminal: the password is not echoed"
    berth logout "$TREG" >/dev/null
fi

# Token auth (Docker Hub's scheme): the token server checks the password.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth token signer" \
    -keyout "$PKI/signer.key" -out "$PKI/signer.crt" 2>/dev/null
start_token_registry one token
run berth login -u tester --password-stdin "$TOKREG" <<< "wrong"
assert_eq 1 "$RC" "token registry, wrong password: login fails"
assert_match "$ERR" "^Error response from daemon: Get \"http://127.0.0.1:[0-9]+/token\?service=berth-test-registry&account=tester\": unauthorized: incorrect username or password$" "token registry, wrong password: the token server's words"
assert_eq "" "$(keychain)" "token registry, wrong password: nothing kept"
run berth login -u tester --password-stdin "$TOKREG" <<< "s3cret"
assert_eq 0 "$RC" "token registry: login"
run berth pull "$TOKREG/private/bb:1"
assert_eq 0 "$RC" "token registry: private pull with the keychain's credentials"
assert_contains "$(cat "$TOKLOG")" "user=tester scope=repository:private/bb:pull" "token registry: the token asked for as the user"
run berth logout "$TOKREG"
assert_eq "Removing login credentials for $TOKREG" "$OUT" "token registry: logout"
berth rmi "$TOKREG/private/bb:1" >/dev/null
run berth pull "$TOKREG/private/bb:1"
assert_eq 1 "$RC" "token registry: denied after logout"
assert_contains "$ERR" "pull access denied for $TOKREG/private/bb" "token registry: docker's denial"

# docker's config.json: plain auths (with a warning), then a credential helper.
printf '{"auths": {"%s": {"auth": "%s"}}}' "$TREG" "$(printf tester:s3cret | base64)" \
    > "$DOCKER_CONFIG/config.json"
run berth pull "$TREG/bb:1"
assert_eq 0 "$RC" "docker config auths: pull"
assert_contains "$ERR" "WARNING: using the credentials for $TREG that $DOCKER_CONFIG/config.json keeps in plain text" "docker config auths: warned"
berth rmi "$TREG/bb:1" >/dev/null
mkdir -p "$T/bin"
cat > "$T/bin/docker-credential-test" <<EOF
#!/bin/sh
read -r server
echo "\$1 \$server" >> "$T/helper.log"
case "\$server" in
"$TREG"|"$TOKREG") printf '{"ServerURL":"%s","Username":"tester","Secret":"s3cret"}' "\$server" ;;
*) echo "credentials not found in native keychain"; exit 1 ;;
esac
EOF
chmod +x "$T/bin/docker-credential-test"
printf '{"credHelpers": {"%s": "test"}}' "$TREG" > "$DOCKER_CONFIG/config.json"
run env PATH="$T/bin:$PATH" "$BERTH_BIN/berth" pull "$TREG/bb:1"
assert_eq 0 "$RC" "credHelpers: pull"
assert_eq "get $TREG" "$(cat "$T/helper.log")" "credHelpers: the helper asked once, for the registry"
printf '{"credsStore": "test"}' > "$DOCKER_CONFIG/config.json"
run env PATH="$T/bin:$PATH" "$BERTH_BIN/berth" pull "$TOKREG/private/bb:1"
assert_eq 0 "$RC" "credsStore: private pull from the token registry"
assert_contains "$(cat "$T/helper.log")" "get $TOKREG" "credsStore: the helper asked for the token registry"
rm "$DOCKER_CONFIG/config.json"

# The keychain comes before docker's config; the environment before both.
echo s3cret | berth login -u tester --password-stdin "$TREG" >/dev/null
berth rmi "$TREG/bb:1" >/dev/null
run env BERTH_REGISTRY_USER=tester BERTH_REGISTRY_PASSWORD=wrong "$BERTH_BIN/berth" pull "$TREG/bb:1"
assert_eq 1 "$RC" "the environment overrides the keychain"
berth logout "$TREG" >/dev/null

# The keychain from threads that come and go (as a GUI's pool threads ask):
# the unit test that needs this session.
UNIT=$BERTH_BIN/../tests/tst_registry_settings
if [[ -x $UNIT ]]; then
    run "$UNIT" keychainFromAnyThread
    assert_contains "$OUT" "PASS   : TestSettings::keychainFromAnyThread()" "keychain jobs from other threads"
fi

# No keychain (no session bus): login says so and keeps nothing anywhere.
run env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "$BERTH_BIN/berth" login -u tester --password-stdin "$TREG" <<< "s3cret"
assert_eq 1 "$RC" "no keychain: login fails"
assert_contains "$ERR" "Error: cannot keep the credentials for $TREG: no system keychain is available" "no keychain: said clearly"
assert_contains "$ERR" "BERTH_REGISTRY_USER" "no keychain: per-command credentials offered"
assert_eq "" "$(grep -rlF s3cret "$T" --exclude-dir=bin 2>/dev/null || true)" "no keychain: the password is in no file (but the test's helper)"
assert_eq "" "$(keychain)" "no keychain: nothing stored"

finish
