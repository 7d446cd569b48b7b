# shellcheck shell=bash
# Shared by scripts/demo and scripts/integration (sourced, not run): a Python interpreter from pyenv
# or PATH, a reusable virtual environment with ansible-core, and the Redis API emulator as a child
# process that is always stopped on exit.
#
# The sourcing script sets REPO (the checkout) and uses `set -euo pipefail`.

# Pins shared with scripts/test's first matrix entry, so the demo and the integration tests run on the
# oldest ansible-core the collection supports (meta/runtime.yml).
JDCLOUD_RUN_PYTHON=${JDCLOUD_RUN_PYTHON:-3.11}
JDCLOUD_RUN_CORE=${JDCLOUD_RUN_CORE:-ansible-core==2.19.14}
JDCLOUD_RUN_REQUESTS=${JDCLOUD_RUN_REQUESTS:-requests==2.34.2}

EMULATOR_PID=''
EMULATOR_DIR=''

env_note() { printf -- '-- %s\n' "$*" >&2; }
env_die() {
    printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
    exit 2
}

# The newest installed patch release of Python X.Y: pyenv's versions first (its shims may refuse a
# version that is not selected), then pythonX.Y on PATH.
find_python() {
    local want=$1 root cand best=''
    local roots=()
    if command -v pyenv >/dev/null 2>&1; then
        roots+=("$(pyenv root 2>/dev/null || true)")
    fi
    roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv")
    for root in "${roots[@]}"; do
        if [ -z "$root" ] || [ ! -d "$root/versions" ]; then
            continue
        fi
        for cand in "$root"/versions/"$want".*/bin/python"$want"; do
            [ -x "$cand" ] || continue
            if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$cand" | sort -V | tail -n1)" = "$cand" ]; then
                best=$cand
            fi
        done
        [ -n "$best" ] && {
            printf '%s\n' "$best"
            return 0
        }
    done
    if cand=$(command -v "python$want" 2>/dev/null) && "$cand" -c 'import sys' >/dev/null 2>&1; then
        printf '%s\n' "$cand"
        return 0
    fi
    env_die "Python $want not found (looked in \$(pyenv root)/versions, \$HOME/.pyenv/versions and PATH)"
}

# ensure_run_venv DIR -> a venv at DIR with ansible-core and requests; sets VENV. It is reused while
# the interpreter and the pins are unchanged; the stamp is written last, so an interrupted install is
# redone on the next run.
ensure_run_venv() {
    local dir=$1 python stamp
    python=$(find_python "$JDCLOUD_RUN_PYTHON")
    stamp=$(printf '%s\n%s\n%s\n' "$("$python" -c 'import sys; print(sys.version)')" "$JDCLOUD_RUN_CORE" "$JDCLOUD_RUN_REQUESTS")
    VENV=$dir
    if [ -f "$dir/.jdcloud-run-stamp" ] && [ "$(cat "$dir/.jdcloud-run-stamp")" = "$stamp" ] &&
        "$dir/bin/python" -c 'import ansible, requests' >/dev/null 2>&1; then
        env_note "reusing venv $dir ($JDCLOUD_RUN_CORE, Python $JDCLOUD_RUN_PYTHON)"
        return 0
    fi
    env_note "creating venv $dir from $python ($JDCLOUD_RUN_CORE $JDCLOUD_RUN_REQUESTS); this takes a minute once"
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    "$python" -m venv "$dir"
    # pip's chatter (including warnings about this machine's pip configuration) is shown only on failure
    if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$JDCLOUD_RUN_CORE" "$JDCLOUD_RUN_REQUESTS" \
        >"$dir/.pip-install.log" 2>&1; then
        cat "$dir/.pip-install.log" >&2
        env_die "pip could not install $JDCLOUD_RUN_CORE $JDCLOUD_RUN_REQUESTS into $dir"
    fi
    printf '%s\n' "$stamp" >"$dir/.jdcloud-run-stamp"
}

# start_emulator [EMULATOR FLAGS...] -> runs the emulator from the checkout with the venv's Python,
# waits for its JDCLOUD_ENDPOINT line and exports JDCLOUD_ENDPOINT plus the emulator's default
# credentials and region. Its stderr goes to $EMULATOR_DIR/emulator.log.
start_emulator() {
    local line='' _
    EMULATOR_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jdcloud-emulator.XXXXXX")
    PYTHONPATH="$REPO/emulator" "$VENV/bin/python" -m jdcloud_redis_emulator --port 0 "$@" \
        >"$EMULATOR_DIR/stdout" 2>"$EMULATOR_DIR/emulator.log" &
    EMULATOR_PID=$!
    for _ in $(seq 1 200); do
        line=$(grep -m1 '^JDCLOUD_ENDPOINT=' "$EMULATOR_DIR/stdout" || true)
        [ -n "$line" ] && break
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            cat "$EMULATOR_DIR/emulator.log" >&2
            EMULATOR_PID=''
            env_die "the emulator exited before it listened (log above)"
        fi
        sleep 0.05
    done
    [ -n "$line" ] || env_die "the emulator printed no JDCLOUD_ENDPOINT line within 10 seconds"
    export JDCLOUD_ENDPOINT=${line#JDCLOUD_ENDPOINT=}
    # The emulator's documented test credentials replace any real ones in the environment, which
    # must never be used (or signed into requests) here.
    export JDCLOUD_ACCESS_KEY=EMULATORACCESSKEY0000000000000001
    export JDCLOUD_SECRET_KEY=EMULATORSECRETKEY000000000000000x9
    export JDCLOUD_REGION=cn-north-1
    env_note "emulator (pid $EMULATOR_PID) listening on $JDCLOUD_ENDPOINT"
}

# stop_emulator: SIGTERM, then SIGKILL if it has not exited after 5 seconds. Safe to call twice.
stop_emulator() {
    local _
    if [ -n "$EMULATOR_PID" ]; then
        kill -TERM "$EMULATOR_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$EMULATOR_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        env_note "emulator stopped"
        EMULATOR_PID=''
    fi
    if [ -n "$EMULATOR_DIR" ] && [ -d "$EMULATOR_DIR" ]; then
        rm -rf "$EMULATOR_DIR"
    fi
    EMULATOR_DIR=''
}

# copy_collection DIR -> a copy of what git would commit (tracked plus untracked-but-not-ignored
# files) at DIR/ansible_collections/jdcloud/cloud, with its own git index; sets TREE. ansible-test
# needs that path, resolves the working directory physically (a symlink is not enough) and lists
# files through git.
copy_collection() {
    local base=$1 file list
    TREE=$base/ansible_collections/jdcloud/cloud
    list=$base/files
    mkdir -p "$TREE"
    : >"$list"
    while IFS= read -r -d '' file; do
        # a tracked file deleted in the working tree is still listed by git ls-files
        if [ -e "$REPO/$file" ] || [ -L "$REPO/$file" ]; then
            printf '%s\0' "$file" >>"$list"
        fi
    done < <(git -C "$REPO" ls-files -z --cached --others --exclude-standard)
    tar -C "$REPO" --null -T "$list" -cf - | tar -C "$TREE" -xf -
    git -C "$TREE" init --quiet
    git -C "$TREE" add --all
    env_note "collection copy for ansible-test: $TREE"
}
