"""Pure pieces of local/stack.py: ports, secrets, the demo-login shape, the pid file check."""
from __future__ import annotations

import os
import stat

import pytest

from local import stack


def test_fixed_default_ports():
    assert stack.resolve_ports({}) == {"gateway": 8000, "firestore": 8080, "pubsub": 8085, "storage": 9023,
                                       "tasks": 8123, "capture": 8025}


def test_each_port_moves_with_its_variable():
    ports = stack.resolve_ports({"TRADEHUB_PORT": "18000", "TRADEHUB_CAPTURE_PORT": "18025"})
    assert ports["gateway"] == 18000 and ports["capture"] == 18025 and ports["firestore"] == 8080


@pytest.mark.parametrize("environ, message", [
    ({"TRADEHUB_PORT": "http"}, "TRADEHUB_PORT='http' is not a port number"),
    ({"TRADEHUB_PORT": "70000"}, "is not a port number"),
    ({"TRADEHUB_PORT": "8080"}, "two services would share a port"),
])
def test_bad_ports_are_refused(environ, message):
    with pytest.raises(stack.StartupFailed, match=message):
        stack.resolve_ports(environ)


def test_the_gateway_workers_move_with_their_variable_and_bad_counts_are_refused():
    assert stack.resolve_workers({}) == stack.WORKERS
    assert stack.resolve_workers({"TRADEHUB_WORKERS": "3"}) == 3
    command = stack.gateway_command(18000, 3)
    assert command[command.index("--workers") + 1] == "3" and command[command.index("--bind") + 1] == "127.0.0.1:18000"
    for raw in ("0", "two", "17"):
        with pytest.raises(stack.StartupFailed, match=f"TRADEHUB_WORKERS='{raw}' is not a number of workers"):
            stack.resolve_workers({"TRADEHUB_WORKERS": raw})


def test_secrets_are_generated_once_private_and_kept(tmp_path):
    path = tmp_path / "secrets.env"
    first = stack.ensure_secrets(path)
    assert set(first) == {"JWT_SIGNING_KEY", "JOBS_SHARED_SECRET", "SENDGRID_API_KEY", "TWILIO_AUTH_TOKEN"}
    assert len(first["JWT_SIGNING_KEY"]) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stack.ensure_secrets(path) == first
    # A secret added to the list later is generated without touching the others.
    path.write_text("".join(f"{k}={v}\n" for k, v in first.items() if k != "TWILIO_AUTH_TOKEN"))
    again = stack.ensure_secrets(path)
    assert again["JWT_SIGNING_KEY"] == first["JWT_SIGNING_KEY"]
    assert again["TWILIO_AUTH_TOKEN"] and again["TWILIO_AUTH_TOKEN"] != first["TWILIO_AUTH_TOKEN"]


def test_stack_environment_points_everything_local():
    env = stack.stack_environment({"gateway": 18000, "capture": 18025},
                                  {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:18080"}, {"JWT_SIGNING_KEY": "k"})
    assert env["TRADEHUB_ENV"] == "local"
    assert env["PUBLIC_BASE_URL"] == "http://127.0.0.1:18000"
    assert env["SENDGRID_API_HOST"] == env["TWILIO_API_BASE"] == "http://127.0.0.1:18025"
    assert env["FIRESTORE_EMULATOR_HOST"] == "127.0.0.1:18080"
    assert env["GOOGLE_CLOUD_PROJECT"].startswith("demo-")


@pytest.mark.parametrize("result, expected", [
    ([{"email": "a@x.in", "password": "p"}], [{"email": "a@x.in", "password": "p"}]),
    ({"logins": [{"email": "a@x.in"}]}, [{"email": "a@x.in"}]),
    ({"ADMIN": {"email": "a@x.in", "password": "p"}}, [{"role": "ADMIN", "email": "a@x.in", "password": "p"}]),
    (None, []),
])
def test_demo_logins_are_normalized(result, expected):
    assert stack.normalize_logins(result) == expected


def test_running_stack_ignores_stale_and_foreign_pid_files(tmp_path, monkeypatch):
    pid_file = tmp_path / "stack.pid"
    monkeypatch.setattr(stack, "PID_FILE", pid_file)
    assert stack.running_stack() is None                       # no file
    pid_file.write_text(f"{os.getpid()}\nhttp://127.0.0.1:8000\n")
    assert stack.running_stack() is None                       # live, but pytest is not a stack
    pid_file.write_text("999999999\nhttp://127.0.0.1:8000\n")
    assert stack.running_stack() is None                       # dead pid
