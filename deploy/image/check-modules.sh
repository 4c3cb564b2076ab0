#!/bin/sh
# Fails the image build when the image's Java runtime lacks a module the shaded jar needs: jdeps lists the
# modules the jar's classes refer to, and every one must be in the runtime's `java --list-modules`.
# (A missing java.desktop once made every plot die in the image with NoClassDefFoundError: java/awt/Shape.)
# Service providers are invisible to jdeps: the EC provider TLS needs is checked by running `impetus certs`
# (EC P-256 keys and certificates) with the runtime.
# Usage: check-modules.sh RUNTIME_DIR JAR   (JAVA_HOME selects the JDK whose jdeps runs)
set -eu
runtime=$1
jar=$2
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
needed=$("$java_home/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar" | tr ',' '\n')
present=$("$runtime/bin/java" --list-modules | sed 's/@.*//')
missing=
for m in $needed; do
  if ! printf '%s\n' "$present" | grep -qx "$m"; then
    missing="$missing $m"
  fi
done
if [ -n "$missing" ]; then
  echo "check-modules: the image's runtime ($runtime) lacks modules $jar needs:$missing;" \
    "add them to the modules list in deploy/image/build-runtime.sh" >&2
  exit 1
fi
certs=$(mktemp -d)
if ! "$runtime/bin/java" -cp "$jar" io.impetus.cli.Impetus certs "$certs/tls" >"$certs/out" 2>&1; then
  cat "$certs/out" >&2
  echo "check-modules: the image's runtime cannot make TLS certificates (jdk.crypto.ec missing from" \
    "deploy/image/build-runtime.sh?)" >&2
  rm -rf "$certs"
  exit 1
fi
rm -rf "$certs"
echo "check-modules: the image's runtime has every module the jar needs ($(echo $needed | tr ' ' ',')) and makes" \
  "EC certificates for TLS"
