"""Locust users for bench/load.py: each role replays the Dash callback requests its pages send.

bench/load.py signs in once per role, captures each page's callback payloads from the running server
and names the plan file in CAREVISIT_LOAD_PLAN; this file only replays them. Run through bench/load.py.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["CAREVISIT_LOAD_PLAN"]).read_text(encoding="utf-8"))
WAIT = tuple(PLAN["wait_seconds"])
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class RoleUser(HttpUser):
    """One person of a role: opens a page of theirs, reads it for a few seconds, opens another."""

    abstract = True
    role = ""
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        plan = PLAN["roles"][self.role]
        self.client.cookies.update(plan["cookies"])
        self.requests = [(item["name"], json.dumps(item["body"]).encode()) for item in plan["requests"]]

    @task
    def open_page(self) -> None:
        name, payload = random.choice(self.requests)
        with self.client.post("/_dash-update-component", data=payload, headers=JSON_HEADERS,
                              name=f"{self.role} {name}", catch_response=True) as response:
            # a signed-out or refused callback is a failure even when its status is 200
            if response.status_code == 200 and not response.content.startswith(b'{"multi":true'):
                response.failure("not a Dash callback answer")


def _user_class(role: str, weight: int) -> type[RoleUser]:
    return type(f"{role.title()}User", (RoleUser,), {"role": role, "weight": weight, "abstract": False})


for _role, _spec in PLAN["roles"].items():
    globals()[f"{_role.title()}User"] = _user_class(_role, _spec["weight"])
