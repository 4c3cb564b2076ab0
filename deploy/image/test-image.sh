#!/usr/bin/env bash
# Builds the container image and runs it as the manifests would: one shard and two workers as
# containers with the environment, arguments, user and security settings of the rendered base
# (deploy/k8s/base), the token and the TLS certificates (made by `impetus certs` in the image) mounted
# where the manifests mount their Secrets, so the workers train over mutual TLS, and a host folder where
# the results volume would be; then `impetus summarize` on the run folder they left there, and a study
# command that draws a plot (ImageRunIT). Needs podman or docker; on Debian:
#   apt-get install podman runc   and, in /etc/containers/containers.conf,
#   [containers] default_ulimits = []   [engine] runtime = "runc"   (see docs/kubernetes.md)
# Usage: deploy/image/test-image.sh [extra mvn flags, e.g. -Dimpetus.image.dataset=fashion-mnist]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -Pimage -pl deploy -am verify -Dit.test=ImageRunIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -DfailIfNoTests=false "$@"
report=deploy/target/failsafe-reports/io.impetus.cli.ImageRunIT.txt
cat "$report"
if grep -q "Skipped: [1-9]" "$report"; then
  echo "test-image.sh: ImageRunIT was skipped (is podman or docker installed and answering?)" >&2
  exit 1
fi
