"""Write the Terraform variable files that come from code, so infra cannot drift from it.

    python infra/generate.py            # rewrite infra/terraform/*.auto.tfvars.json
    python infra/generate.py --check    # exit 1 if they are out of date (the unit tests do this too)

- functions.auto.tfvars.json: every Cloud Function of shared/routing.py (HTTP functions with their URL
  prefixes for the load balancer, the jobs function, the event functions with their topics);
- jobs.auto.tfvars.json: every job of shared/jobs.py as a Cloud Scheduler job (cron, India time).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TERRAFORM = ROOT / "infra" / "terraform"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cloud_name(function_name: str) -> str:
    """Cloud Functions gen2 names are Cloud Run service names: lowercase letters, digits and hyphens."""
    return "tradehub-" + function_name.replace("_", "-")


def functions_vars() -> dict:
    from shared.routing import EVENT_FUNCTIONS, HTTP_FUNCTIONS, SCHEDULER_FUNCTIONS

    def http(spec) -> dict:
        return {"cloud_name": cloud_name(spec.name), "entry_point": spec.name, "prefixes": list(spec.prefixes)}

    return {
        "http_functions": {spec.name: http(spec) for spec in HTTP_FUNCTIONS},
        "scheduler_functions": {spec.name: http(spec) for spec in SCHEDULER_FUNCTIONS},
        "event_functions": {spec.name: {"cloud_name": cloud_name(spec.name), "entry_point": spec.name,
                                        "topic": spec.topic} for spec in EVENT_FUNCTIONS},
        "event_topics": sorted({spec.topic for spec in EVENT_FUNCTIONS}),
    }


def jobs_vars() -> dict:
    from shared.jobs import JOBS, TIMEZONE
    from shared.routing import SCHEDULER_FUNCTIONS

    prefix = SCHEDULER_FUNCTIONS[0].prefixes[0]
    return {"scheduled_jobs": {job.name: {"schedule": job.cron, "time_zone": TIMEZONE, "path": f"{prefix}/{job.name}",
                                          "description": job.description} for job in JOBS}}


def render() -> dict[Path, str]:
    # No comment key in the files: Terraform would read it as an (undeclared) variable.
    return {
        TERRAFORM / "functions.auto.tfvars.json": json.dumps(functions_vars(), indent=2) + "\n",
        TERRAFORM / "jobs.auto.tfvars.json": json.dumps(jobs_vars(), indent=2) + "\n",
    }


def stale() -> list[Path]:
    return [path for path, text in render().items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        outdated = stale()
        for path in outdated:
            print(f"{path.relative_to(ROOT)} is out of date: run python infra/generate.py", file=sys.stderr)
        return 1 if outdated else 0
    for path, text in render().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
