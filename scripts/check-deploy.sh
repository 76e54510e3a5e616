#!/usr/bin/env bash
# npm run check:deploy — the deployment artefacts through the tools that will run them:
#   1. helm lint --strict, and helm template, with the default values and with every option on
#      (deploy/helm/speech-coach/ci/*-values.yaml);
#   2. kubeconform, strict, against the Kubernetes 1.30 and 1.35 schemas;
#   3. docker-compose.yml through compose-go, the loader Docker Compose uses (and without its
#      required secrets, which must fail with their message);
#   4. hadolint on the Dockerfile;
#   5. the environment every service gets from the chart and from compose, parsed by that
#      service's own config loader (scripts/check-deploy-env.ts).
# CHECK_DEPLOY_HELM_ARGS adds helm flags to every chart variant (see below).
# The validators are built once into ~/.cache/speech-coach/deploy-tools (deploy/check/install-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
chart=deploy/helm/speech-coach

# node_modules (tsx, zod, yaml) for the config step, as npm start and npm test do.
bash scripts/setup.sh
bash deploy/check/install-tools.sh
tools="${DEPLOY_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/speech-coach/deploy-tools}"
# shellcheck source=/dev/null
source "$tools/paths.env"

out="$(mktemp -d "${TMPDIR:-/tmp}/check-deploy.XXXXXX")"
trap 'rm -rf "$out"' EXIT
failed=0
step() { printf '\n== %s\n' "$*"; }
run() { # label command...
  local label="$1"; shift
  if "$@" >"$out/log" 2>&1; then
    printf '  ok    %s\n' "$label"
  else
    failed=$((failed + 1))
    printf '  FAIL  %s\n' "$label"
    sed 's/^/        /' "$out/log"
  fi
}

# The chart's own values with only what an install must give (as in the README), then the
# everything-on file.
default_set=(--set secrets.mongodbUrl=mongodb://mongo:27017/ --set secrets.authJwtSecret=change-me-0123456789)
declare -A variants=([default]="${default_set[*]}")
for f in "$chart"/ci/*-values.yaml; do
  variants[$(basename "$f" -values.yaml)]="-f $f"
done
# CHECK_DEPLOY_HELM_ARGS (e.g. "--set logLevel=verbose") is added to every variant: a way to see
# what a value does before putting it in a values file.
if [[ -n "${CHECK_DEPLOY_HELM_ARGS:-}" ]]; then
  for v in "${!variants[@]}"; do variants[$v]+=" $CHECK_DEPLOY_HELM_ARGS"; done
fi

# helm built from source defaults to Kubernetes 1.20: every command names the version.
first_k8s="${K8S_VERSIONS%% *}"
step "helm $HELM_VERSION lint --strict and template, kubeconform $KUBECONFORM_VERSION -strict (Kubernetes $K8S_VERSIONS)"
charts=()
schemas="$K8S_SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
for v in $(printf '%s\n' "${!variants[@]}" | sort); do
  for k in $K8S_VERSIONS; do
    # shellcheck disable=SC2086  # the variant's flags are words
    run "helm lint --strict ($v, $k)" "$HELM" lint --strict --kube-version "$k" "$chart" ${variants[$v]}
    # shellcheck disable=SC2086
    if "$HELM" template speech "$chart" --kube-version "$k" ${variants[$v]} >"$out/$v-$k.yaml" 2>"$out/log"; then
      printf '  ok    helm template (%s, %s): %s manifests\n' "$v" "$k" "$(grep -c '^kind:' "$out/$v-$k.yaml")"
      run "kubeconform -strict ($v, $k)" "$KUBECONFORM" -strict -summary -kubernetes-version "$k" \
        -schema-location "$schemas" "$out/$v-$k.yaml"
      [[ "$k" == "$first_k8s" ]] && charts+=(--chart "$v=$out/$v-$k.yaml")
    else
      failed=$((failed + 1)); printf '  FAIL  helm template (%s, %s)\n' "$v" "$k"; sed 's/^/        /' "$out/log"
    fi
  done
done
# The install the README used to show (a JWT secret, nothing else) must now say what is missing.
if "$HELM" template speech "$chart" --kube-version "$first_k8s" --set secrets.authJwtSecret=change-me-0123456789 >/dev/null 2>"$out/log"; then
  failed=$((failed + 1)); printf '  FAIL  helm template without secrets.mongodbUrl should fail\n'
elif grep -q 'secrets.mongodbUrl' "$out/log"; then
  printf '  ok    helm template without secrets.mongodbUrl fails: %s\n' "$(grep -o 'secrets.mongodbUrl.*' "$out/log" | head -1)"
else
  failed=$((failed + 1)); printf '  FAIL  helm template without secrets.mongodbUrl: unexpected error\n'; sed 's/^/        /' "$out/log"
fi

step "compose-go: docker-compose.yml"
compose_env=(AUTH_JWT_SECRET=change-me-0123456789 MINIO_ROOT_PASSWORD=change-me-0123)
if env -i PATH="$PATH" "${compose_env[@]}" "$COMPOSE_LOADER" -f docker-compose.yml >"$out/compose.json" 2>"$out/log"; then
  printf '  ok    loads with AUTH_JWT_SECRET and MINIO_ROOT_PASSWORD set\n'
  charts+=(--compose "default=$out/compose.json")
else
  failed=$((failed + 1)); printf '  FAIL  docker-compose.yml\n'; sed 's/^/        /' "$out/log"
fi
for var in AUTH_JWT_SECRET MINIO_ROOT_PASSWORD; do
  without=()
  for kv in "${compose_env[@]}"; do [[ "$kv" == "$var="* ]] || without+=("$kv"); done
  if env -i PATH="$PATH" "${without[@]}" "$COMPOSE_LOADER" -f docker-compose.yml >/dev/null 2>"$out/log"; then
    failed=$((failed + 1)); printf '  FAIL  loads without %s (a public default?)\n' "$var"
  elif grep -q "required variable $var is missing" "$out/log"; then
    printf '  ok    without %s: %s\n' "$var" "$(grep -o "required variable $var.*" "$out/log" | head -1)"
  else
    failed=$((failed + 1)); printf '  FAIL  without %s: unexpected error\n' "$var"; sed 's/^/        /' "$out/log"
  fi
done

step "hadolint $HADOLINT_VERSION: Dockerfile"
run "Dockerfile" "$HADOLINT" --config deploy/hadolint.yaml Dockerfile

step "each service's config loader on the rendered environment"
if ! (cd "$root" && node --import tsx scripts/check-deploy-env.ts "${charts[@]}" | sed 's/^env: /  /'); then
  failed=$((failed + 1))
fi

echo
if (( failed )); then
  echo "check:deploy: $failed step(s) failed"
  exit 1
fi
echo "check:deploy: all passed"
