#!/usr/bin/env python3
"""Checks what the schemas cannot say about concbench's fleet definitions.

The schemas (`.ci/validate-fleet`) check that each file is a well-formed workflow or
Kubernetes object. This checks that they still do what README promises: the workflow's
inputs, legs, artifact names and final comparison; the Job's one pod per node, Guaranteed
QoS and results volume; the Slurm script's array and whole nodes. It also shellchecks the
shell that hides inside YAML (the workflow's `run:` blocks, the container's script), which
no other validator here reads.

Run by `.ci/validate-fleet` with the validators' environment (PyYAML, shellcheck on PATH).
To check a new promise, add a `check(...)` to the function of its file.
"""

import fnmatch
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github/workflows/fleet.yml"
JOB = ROOT / "deploy/kubernetes/fleet-job.yaml"
SBATCH = ROOT / "deploy/slurm/fleet.sbatch"

PROFILES = ["smoke", "quick", "default", "full"]
problems: list[str] = []
checked = 0


def check(ok: bool, what: str) -> None:
    """Records one promise; `what` says what must hold when it does not."""
    global checked
    checked += 1
    if not ok:
        problems.append(what)


def shellcheck(name: str, script: str) -> None:
    """Shellchecks `script` as bash; findings are reported under `name`, with the script's
    own line numbers."""
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["shellcheck", "--shell=bash", "--format=gcc", f.name], capture_output=True, text=True
        )
    finally:
        Path(f.name).unlink()
    check(out.returncode == 0, f"{name}: shellcheck finds\n{out.stdout.replace(f.name, name)}{out.stderr}")


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def workflow() -> None:
    wf = yaml.safe_load(WORKFLOW.read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    inputs = on["workflow_dispatch"]["inputs"]
    runners = json.loads(inputs["runners"]["default"])
    check(
        isinstance(runners, list) and {"ubuntu-latest", "macos-latest"} <= set(runners),
        f"workflow: the default runners {runners} must include ubuntu-latest and macos-latest",
    )
    profile = inputs["profile"]
    check(
        profile["type"] == "choice" and profile["options"] == PROFILES,
        f"workflow: the profile input must be a choice of {PROFILES}",
    )

    bench, compare = wf["jobs"]["bench"], wf["jobs"]["compare"]
    strategy = bench["strategy"]
    check(strategy["fail-fast"] is False, "workflow: a failed leg must not cancel the others (fail-fast: false)")
    check(
        strategy["matrix"]["runner"] == "${{ fromJSON(inputs.runners) }}"
        and bench["runs-on"] == "${{ matrix.runner }}",
        "workflow: one leg per runner label of the input",
    )
    env = bench["env"]
    check(env["CONCBENCH_PROFILE"] == "${{ inputs.profile }}", "workflow: legs run the chosen profile")
    check(env["CONCBENCH_MACHINE_NAME"] == "${{ matrix.runner }}", "workflow: a leg's machine is named after its label")
    runs = [s.get("run", "") for s in bench["steps"]]
    check(any(r.startswith("cargo bench --locked") and "--no-run" not in r for r in runs), "workflow: legs run cargo bench")
    uploads = steps_using(bench, "actions/upload-artifact")
    check(
        len(uploads) == 1
        and uploads[0]["with"]["name"] == "concbench-${{ matrix.runner }}"
        and uploads[0]["with"]["path"] == "${{ env.CONCBENCH_REPORTS_DIR }}",
        "workflow: a leg uploads its reports folder as concbench-<label>",
    )

    check(compare["needs"] == "bench" and compare["if"] == "always()", "workflow: the comparison waits for every leg and runs whatever they did")
    downloads = steps_using(compare, "actions/download-artifact")
    check(len(downloads) == 1 and downloads[0]["with"]["pattern"] == "concbench-*", "workflow: the comparison downloads every leg's artifact")
    check(
        any("concbench compare fleet --out fleet/compare" in s.get("run", "") for s in compare["steps"]),
        "workflow: the comparison runs `concbench compare` over the gathered folder",
    )
    final = steps_using(compare, "actions/upload-artifact")
    check(
        len(final) == 1 and not fnmatch.fnmatch(final[0]["with"]["name"], "concbench-*"),
        "workflow: the comparison's artifact must not match concbench-* (a re-run would download it as a leg)",
    )

    for job_name, job in wf["jobs"].items():
        for step in job["steps"]:
            if "run" not in step:
                continue
            name = f"workflow: {job_name}: {step.get('name', step['run'].splitlines()[0])}"
            check("${{" not in step["run"], f"{name}: pass values through env:, not ${{{{ }}}} inside run:")
            shellcheck(name, step["run"])


def kubernetes() -> None:
    docs = [d for d in yaml.safe_load_all(JOB.read_text()) if d]
    jobs = [d for d in docs if d["kind"] == "Job"]
    claims = {d["metadata"]["name"]: d for d in docs if d["kind"] == "PersistentVolumeClaim"}
    check(len(jobs) == 1, "kubernetes: one Job")
    spec = jobs[0]["spec"]
    check(spec.get("completionMode") == "Indexed", "kubernetes: an Indexed Job")
    # Anti-affinity keeps *running* pods apart: with fewer in parallel than completions, a
    # later index could land on a node that an earlier one measured.
    check(spec["parallelism"] == spec["completions"], "kubernetes: parallelism must equal completions")
    check(spec.get("backoffLimitPerIndex") == 0, "kubernetes: a failed index is not tried again on another node")

    pod, labels = spec["template"]["spec"], spec["template"]["metadata"]["labels"]
    terms = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    check(
        any(
            t["topologyKey"] == "kubernetes.io/hostname"
            and all(labels.get(k) == v for k, v in t["labelSelector"]["matchLabels"].items())
            for t in terms
        ),
        "kubernetes: required anti-affinity on the host name against the Job's own pods",
    )
    volumes = {v["name"]: v for v in pod["volumes"]}
    for c in pod.get("initContainers", []) + pod["containers"]:
        name = f"kubernetes: container {c['name']}"
        resources = c.get("resources", {})
        limits, requests = resources.get("limits", {}), resources.get("requests", {})
        check(
            {"cpu", "memory"} <= limits.keys() and requests == limits,
            f"{name}: requests must equal limits, cpu and memory both (Guaranteed QoS)",
        )
    container = pod["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    check(
        env["CONCBENCH_MACHINE_NAME"].get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName",
        "kubernetes: the machine is named after its node",
    )
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    results = volumes.get(mounts.get("/results"), {}).get("persistentVolumeClaim", {}).get("claimName")
    check(
        results in claims and "ReadWriteMany" in claims[results]["spec"]["accessModes"],
        "kubernetes: /results is the claim of this file, shared by every node (ReadWriteMany)",
    )
    check(container["command"] == ["/bin/bash", "-c"], "kubernetes: the container runs its script with bash")
    script = container["args"][0]
    check("cargo bench --locked" in script, "kubernetes: the pod runs cargo bench")
    shellcheck(f"kubernetes: container {container['name']} script", script)


def slurm() -> None:
    directives = [
        line.split(None, 1)[1].strip()
        for line in SBATCH.read_text().splitlines()
        if line.startswith("#SBATCH ")
    ]
    check("--exclusive" in directives, "slurm: every task has a whole node (--exclusive)")
    check(any(d.startswith("--array=") for d in directives), "slurm: an array job")
    check("--nodes=1" in directives, "slurm: one node per task")


def main() -> int:
    workflow()
    kubernetes()
    slurm()
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"fleet checks: {len(problems)} of {checked} failed", file=sys.stderr)
        return 1
    print(f"fleet checks: {checked} passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
