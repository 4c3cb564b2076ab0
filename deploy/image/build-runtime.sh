#!/bin/sh
# Builds the root filesystem the container image adds on top of an empty ("scratch") base:
#   /opt/java   a Java runtime cut down by jlink from the JDK that runs the build
#   /lib, /lib64, /usr/lib  the shared libraries that runtime links against (glibc, zlib, libstdc++), copied
#               from this machine, so the image needs no base image and no registry at all
#   /etc        passwd/group for the non-root user 65532, nsswitch.conf (hosts: files dns)
#   /tmp        scratch space (the manifests mount an emptyDir there)
# Usage: build-runtime.sh OUT_DIR   (JAVA_HOME selects the JDK; the Maven profile "image" passes its own)
set -eu
out=$1
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# Modules: the ones the server and worker load (jdeps on the whole classpath is slow and overcautious):
# logging (java.logging, java.xml for logback.xml), gRPC/Netty/protobuf (jdk.unsupported, java.naming for
# DNS), Prometheus (jdk.httpserver, java.management, jdk.management), Jackson (java.sql).
modules=java.base,java.logging,java.xml,java.naming,java.sql,java.management,jdk.management,jdk.unsupported,jdk.httpserver
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/etc"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$out/opt/java" 2>&1 | grep -v 'compress' || true
test -x "$out/opt/java/bin/java"
# Every library the launcher and the runtime's .so files need, at the path the dynamic linker looks for it.
for f in "$out/opt/java/bin/java" $(find "$out/opt/java/lib" -name '*.so'); do
  ldd "$f" 2>/dev/null || true
done | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | grep -v "^$out/" | sort -u | while read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
  # Debian keeps /lib as a symlink to /usr/lib: make the library reachable under both.
  case "$lib" in
    /usr/lib/*) alt=${lib#/usr} ;;
    /lib/*) alt=/usr$lib ;;
    *) alt= ;;
  esac
  if [ -n "$alt" ] && [ ! -e "$out$alt" ]; then
    mkdir -p "$out$(dirname "$alt")"
    cp -L "$lib" "$out$alt"
  fi
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nimpetus:x:65532:65532:impetus:/tmp:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nimpetus:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "runtime for the image in $out: $(du -sh "$out" | cut -f1)"
