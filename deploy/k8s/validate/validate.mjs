// Checks rendered Kubernetes objects against the API's JSON schemas, offline:
//   npm ci --prefix deploy/k8s/validate
//   kubectl kustomize deploy/k8s/overlays/production | node deploy/k8s/validate/validate.mjs
// Prints "ok Kind/name" or "invalid Kind/name: reason" per object; exits 1 when any is invalid.
// The schemas catch wrong types, missing required fields and bad formats; they allow unknown fields,
// so a misspelt field name passes here (tests/Deploy.Tests checks the fields Maestro relies on).
import { parseAllDocuments } from "yaml";

const text = await new Promise((resolve, reject) => {
  let input = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", chunk => (input += chunk));
  process.stdin.on("end", () => resolve(input));
  process.stdin.on("error", reject);
});

let invalid = 0;
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    invalid++;
    console.log(`invalid YAML: ${document.errors[0].message}`);
    continue;
  }
  const object = document.toJS();
  if (!object) continue;
  const id = `${object.kind}/${object.metadata?.name}`;
  try {
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
    const models = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
    const Model = models[object.kind];
    if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    // kustomize wraps long base64 values over lines, which the API server ignores and the schema's
    // "byte" format does not.
    for (const key of Object.keys(object.data ?? {})) {
      if (object.kind === "Secret") object.data[key] = String(object.data[key]).replace(/\s+/g, "");
    }
    new Model(object).validate();
    console.log(`ok ${id}`);
  } catch (error) {
    invalid++;
    console.log(`invalid ${id}: ${String(error?.message ?? error).replaceAll("\n", " ")}`);
  }
}
process.exit(invalid > 0 ? 1 : 0);
