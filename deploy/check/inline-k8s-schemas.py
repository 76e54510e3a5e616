"""Writes kubeconform-ready Kubernetes JSON schemas from the kubernetes-validate wheel.

The wheel's schemas point into a shared `_definitions.json` with `$ref`s, which kubeconform
does not follow for local files; this inlines them, for the given versions and kinds, into
`<out>/v<version>-standalone-strict/<kind>.json` (kubeconform's default file layout).

Usage: inline-k8s-schemas.py WHEEL OUT "1.30.0 1.35.0" deployment-apps-v1 service-v1 ...
"""

import json
import sys
import zipfile
from pathlib import Path

ROOT = "kubernetes_validate/kubernetes-json-schema"


def inline(node, defs, stack):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and "#/$defs/" in ref:
            name = ref.split("#/$defs/", 1)[1]
            if name in stack:
                # A recursive type (only CRD-style JSONSchemaProps): accept anything below here.
                return {k: v for k, v in node.items() if k != "$ref"}
            rest = {k: v for k, v in node.items() if k != "$ref"}
            target = inline(defs[name], defs, stack | {name})
            return {**target, **rest} if rest else target
        return {k: inline(v, defs, stack) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(v, defs, stack) for v in node]
    return node


def main():
    wheel, out, versions, kinds = sys.argv[1], Path(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
    with zipfile.ZipFile(wheel) as z:
        for version in versions:
            src = f"{ROOT}/v{version}-local-strict"
            defs = json.loads(z.read(f"{src}/_definitions.json"))["$defs"]
            dest = out / f"v{version}-standalone-strict"
            dest.mkdir(parents=True, exist_ok=True)
            for kind in kinds:
                schema = json.loads(z.read(f"{src}/{kind}.json"))
                (dest / f"{kind}.json").write_text(json.dumps(inline(schema, defs, frozenset())))


if __name__ == "__main__":
    main()
