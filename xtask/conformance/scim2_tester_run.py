#!/usr/bin/env python3
# Copied from the team's shared tools (shared/tools/scim2_tester_run.py) so that CI, which
# runs on a fresh clone, has it.
"""Run scim2-tester's check_server() against a live SCIM server and print counts.

usage: venv/bin/python scim2_tester_run.py URL [--token TOKEN] [--include TAG ...]
       [--exclude TAG ...] [--resource-type User ...] [--verbose] [--json FILE]

Prints one line per non-SUCCESS check, a tally by status, and a closing line
"N passed, N failed" (passed = SUCCESS/COMPLIANT/ACCEPTABLE; skipped = SKIPPED;
failed = everything else). Exit 0 only when nothing failed.
"""
import argparse
import collections
import json
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

PASS = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--token")
    p.add_argument("--include", nargs="*")
    p.add_argument("--exclude", nargs="*")
    p.add_argument("--resource-type", nargs="*")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--json")
    a = p.parse_args()

    headers = {"Authorization": f"Bearer {a.token}"} if a.token else {}
    client = SyncSCIMClient(Client(base_url=a.url, headers=headers, timeout=30))
    # check_server discovers ServiceProviderConfig/ResourceTypes/Schemas itself
    results = check_server(
        client,
        include_tags=set(a.include) if a.include else None,
        exclude_tags=set(a.exclude) if a.exclude else None,
        resource_types=a.resource_type,
    )
    tally = collections.Counter(r.status.name for r in results)
    passed = sum(1 for r in results if r.status in PASS)
    skipped = sum(1 for r in results if r.status == Status.SKIPPED)
    failed = len(results) - passed - skipped
    for r in results:
        if r.status not in PASS or a.verbose:
            rt = f"[{r.resource_type}] " if r.resource_type else ""
            print(f"{r.status.name} {rt}{r.title}: {r.reason}")
            if a.verbose and r.data is not None and r.status not in PASS:
                print(f"    data: {str(r.data)[:600]}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(
                [
                    {"status": r.status.name, "title": r.title, "reason": r.reason,
                     "resource_type": r.resource_type, "tags": sorted(r.tags)}
                    for r in results
                ],
                f, indent=1,
            )
    print("by status:", dict(sorted(tally.items())))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
