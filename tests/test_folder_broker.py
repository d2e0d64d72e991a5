"""`make run`'s embedded default: a real worker with its beat on the folder broker leaves the checkout clean.

kombu's filesystem transport puts every folder it is not told about relative to the working directory (its
control exchange used to land in ``control/`` at the repository root); config/celery.py puts them all under
VAR_DIR.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))


def _not_ignored(names):
    """The entries ``git status`` would report (all of them when this is not a git checkout)."""
    if not shutil.which("git") or not (ROOT / ".git").exists():
        return set(names)
    return {name for name in names if subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT).returncode}


def test_worker_and_beat_on_the_folder_broker_write_only_under_var(tmp_path):
    var = tmp_path / "var"
    # `make run` with no environment: SQLite and the filesystem:// broker, everything under VAR_DIR.
    unset = ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env.update(VAR_DIR=str(var), PYTHONUNBUFFERED="1")
    before = set(os.listdir(ROOT))
    log = (tmp_path / "celery.log").open("w")
    worker = subprocess.Popen(
        [CELERY, "-A", "config", "worker", "-B", "--loglevel", "INFO", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # A built-in task that needs no database: the worker's own log says it ran.
        subprocess.run(
            [CELERY, "-A", "config", "call", "celery.accumulate", "--args", '["folder-broker-ok"]'],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        deadline = time.monotonic() + 60
        output = ""
        while time.monotonic() < deadline and worker.poll() is None:
            output = (tmp_path / "celery.log").read_text()
            if "folder-broker-ok" in output and "succeeded" in output:
                break
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)  # warm shutdown of the worker, its pool child and beat
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()

    assert "celery.accumulate" in output and "succeeded" in output, output
    assert _not_ignored(set(os.listdir(ROOT)) - before) == set()
    assert (var / "celery" / "control" / "celery.exchange").is_file()
    assert (var / "celerybeat-schedule").exists() or list(var.glob("celerybeat-schedule*"))
