#!/bin/sh
# Register Followthrough's custom search attributes (all Keyword) on a self-hosted Temporal namespace.
#
# Used by the compose `temporal-admin-tools` service and the Kubernetes search-attributes Job; the
# image installs it as `followthrough-register-search-attributes`. Needs the `temporal` CLI.
#
# Reads the same variables as the worker: FOLLOWTHROUGH_TEMPORAL_ADDRESS, _TEMPORAL_NAMESPACE,
# _TEMPORAL_API_KEY, _TEMPORAL_TLS (the CLI's own TEMPORAL_* win when set). Safe to run again: an
# attribute that already exists as Keyword counts as done; one that exists with another type fails.
#
# WAIT_SECONDS (default 180): how long to wait for the server and the namespace.
# CREATE_NAMESPACE=true: create the namespace when it is missing (local compose only).
#
# Temporal Cloud does not take this path: add the attributes with `tcld` or in the Cloud UI.
set -eu

NAMES="FollowthroughIncidentId FollowthroughPhase FollowthroughService"

export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-${FOLLOWTHROUGH_TEMPORAL_ADDRESS:-127.0.0.1:7233}}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-${FOLLOWTHROUGH_TEMPORAL_NAMESPACE:-default}}"

api_key="${TEMPORAL_API_KEY:-${FOLLOWTHROUGH_TEMPORAL_API_KEY:-}}"
if [ -n "$api_key" ]; then
    export TEMPORAL_API_KEY="$api_key"
else
    unset TEMPORAL_API_KEY
fi
tls="$(printf '%s' "${TEMPORAL_TLS:-${FOLLOWTHROUGH_TEMPORAL_TLS:-false}}" | tr 'A-Z' 'a-z')"
case "$tls" in
    1 | t | true | y | yes | on) export TEMPORAL_TLS=true ;;
    *) unset TEMPORAL_TLS ;;
esac

deadline=$(($(date +%s) + ${WAIT_SECONDS:-180}))
echo "waiting for namespace $TEMPORAL_NAMESPACE at $TEMPORAL_ADDRESS"
until temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; do
    if [ "${CREATE_NAMESPACE:-false}" = true ]; then
        temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 || true
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "error: namespace $TEMPORAL_NAMESPACE not reachable at $TEMPORAL_ADDRESS" \
            "(is the server up, does the namespace exist?)" >&2
        exit 1
    fi
    sleep 2
done

for name in $NAMES; do
    if out="$(temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
        --name "$name" --type Keyword 2>&1)"; then
        echo "$name: registered (Keyword)"
    elif printf '%s' "$out" | grep -qi "different type"; then
        echo "error: $name exists with another type: $out" >&2
        exit 1
    elif printf '%s' "$out" | grep -qi "already exists"; then
        echo "$name: already registered"
    else
        echo "error: $name: $out" >&2
        exit 1
    fi
done
