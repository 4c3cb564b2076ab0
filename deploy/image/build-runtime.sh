#!/bin/sh
# Builds the root filesystem the container image adds on top of an empty ("scratch") base:
#   /opt/java   a Java runtime cut down by jlink from the JDK that runs the build
#   /lib, /lib64, /usr/lib  the shared libraries that runtime links against (glibc, zlib, libstdc++), copied
#               from this machine, so the image needs no base image and no registry at all; and the
#               machine's BLAS (libblas.so.3, OpenBLAS with libopenblas0-pthread) with its libraries, so the
#               models' matrix products run natively in the image as they do under ./impetus
#   /etc/fonts, /usr/share/fonts  fontconfig (the JDK opens libfontconfig.so.1 itself) and DejaVu Sans, without
#               which AWT cannot draw the text of a plot ("Fontconfig head is null")
#   /etc        passwd/group for the non-root user 65532, nsswitch.conf (hosts: files dns)
#   /tmp        scratch space (the manifests mount an emptyDir there)
#   /usr/share/datasets/DATASET  optionally, a data set's IDX files where the workers look by default, when
#               IMPETUS_IMAGE_DATASET names one (-Dimpetus.image.dataset=fashion-mnist) and this machine has them
# Usage: build-runtime.sh OUT_DIR   (JAVA_HOME selects the JDK; the Maven profile "image" passes its own)
set -eu
out=$1
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
# Modules: what jdeps finds in the shaded jar (check-modules.sh fails the image build when one is
# missing): logging (java.logging, java.xml for logback.xml), the doorbell's peer check (jdk.net: SO_PEERCRED), gRPC/Netty/protobuf (jdk.unsupported,
# java.naming for DNS), Prometheus (jdk.httpserver, java.management, jdk.management, jdk.jfr), Jackson
# (java.sql), Error Prone's annotations that protobuf-java-util brings (java.compiler, for
# javax.lang.model.element.Modifier), the plots (java.desktop: AWT, ImageIO), and the Vector API for the pure-Java BLAS of an
# image built without a native one (enable it with JAVA_TOOL_OPTIONS=--add-modules=jdk.incubator.vector).
# TLS needs the EC provider (jdk.crypto.ec: the certificates of impetus certs are EC P-256), a service
# provider jdeps cannot see; check-modules.sh proves it is there by making certificates with the runtime.
modules=java.base,jdk.net,java.logging,java.xml,java.naming,java.sql,java.compiler,java.management,jdk.management,jdk.unsupported,jdk.httpserver,jdk.jfr,java.desktop,jdk.incubator.vector,jdk.crypto.ec
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/etc"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$out/opt/java" 2>&1 | grep -v 'compress' || true
test -x "$out/opt/java/bin/java"
# The native BLAS that dev.ludovic.netlib opens by the name libblas.so.3, if this machine has one.
blas=$( (ldconfig -p 2>/dev/null || true) | awk '$1 == "libblas.so.3" && $NF ~ /^\// {print $NF; exit}')
blas_files=
if [ -n "$blas" ]; then
  mkdir -p "$out$(dirname "$blas")"
  cp -L "$blas" "$out$blas"
  blas_files="$blas"
  echo "native BLAS for the image: $blas -> $(readlink -f "$blas")"
else
  echo "WARNING: no libblas.so.3 on this machine (apt-get install libopenblas0-pthread): the image's models" \
    "use the pure-Java BLAS; set JAVA_TOOL_OPTIONS=--add-modules=jdk.incubator.vector in the pods to vectorize it" >&2
fi
# Fonts for the plots: fontconfig's library and configuration, and the DejaVu Sans faces (fonts-dejavu-core).
fontconfig=$( (ldconfig -p 2>/dev/null || true) | awk '$1 == "libfontconfig.so.1" && $NF ~ /^\// {print $NF; exit}')
fonts=/usr/share/fonts/truetype/dejavu
if [ -n "$fontconfig" ] && [ -d /etc/fonts ] && ls "$fonts"/DejaVuSans*.ttf >/dev/null 2>&1; then
  mkdir -p "$out$(dirname "$fontconfig")" "$out$fonts"
  cp -L "$fontconfig" "$out$fontconfig"
  cp -RL /etc/fonts "$out/etc/fonts"
  cp -L "$fonts"/DejaVuSans*.ttf "$out$fonts/"
  blas_files="$blas_files $fontconfig"
else
  echo "WARNING: no fontconfig or DejaVu fonts on this machine (apt-get install fontconfig fonts-dejavu-core):" \
    "commands that draw plots will fail in the image" >&2
fi
# Every library the launcher, the runtime's .so files, the BLAS and fontconfig need, at the path the dynamic linker looks for it.
for f in "$out/opt/java/bin/java" $(find "$out/opt/java/lib" -name '*.so') $blas_files; do
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
# The data set, bundled on request: a cluster without a volume for it then trains the image models as is.
dataset=${IMPETUS_IMAGE_DATASET:-}
if [ -n "$dataset" ]; then
  case "$dataset" in
    fashion-mnist|mnist) ;;
    *) echo "build-runtime.sh: impetus.image.dataset must be fashion-mnist or mnist, got '$dataset'" >&2; exit 2 ;;
  esac
  data=/usr/share/datasets/$dataset
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [ ! -f "$data/$f.gz" ] && [ ! -f "$data/$f" ]; then
      echo "build-runtime.sh: impetus.image.dataset=$dataset, but $data has no $f(.gz)" \
        "(apt-get install dataset-fashion-mnist for fashion-mnist)" >&2
      exit 2
    fi
  done
  mkdir -p "$out$data"
  cp -L "$data"/*idx*-ubyte* "$out$data/"
  echo "data set in the image: $data ($(du -sh "$out$data" | cut -f1))"
fi
printf 'root:x:0:0:root:/root:/sbin/nologin\nimpetus:x:65532:65532:impetus:/tmp:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nimpetus:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
# A loader cache for the image: the BLAS links against libraries in folders of their own (Debian's
# alternatives, e.g. openblas-pthread/), which the dynamic linker finds only through the cache.
find "$out/lib" "$out/usr/lib" -name '*.so*' -exec dirname {} \; 2>/dev/null | sed "s|^$out||" | sort -u > "$out/etc/ld.so.conf"
ldconfig -r "$out"
echo "runtime for the image in $out: $(du -sh "$out" | cut -f1)"
