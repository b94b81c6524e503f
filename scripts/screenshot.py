"""Take the README's screenshot (docs/screenshot-home.png) of the running demo, or any
page as any demo user.

    .venv/bin/python scripts/screenshot.py                       # the README's picture
    .venv/bin/python scripts/screenshot.py --user head --path /inspections/hazards/ \\
        --out var/screenshots/head-ledger.png
    .venv/bin/python scripts/screenshot.py --base http://127.0.0.1:8000   # `make run`'s

It loads the demo into a fresh SQLite database in a temporary VAR_DIR (migrate,
seed_demo), serves it with runserver on a free port, signs in through the login form
in Debian's chromium (Playwright, as the browser tests do), saves the page at desk width
in Chinese and stops the server. The PNG is reduced to a 256-colour palette so that it
stays small (the README's under 300 KB).
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def shoot(base: str, args: argparse.Namespace, password: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height}, locale="zh-CN"
        )
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.locator("input[name=username]").fill(args.user)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}{args.path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # chart animations settle
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out), full_page=args.full_page)
        browser.close()


def shrink(path: Path) -> None:
    """A 256-colour palette: UI screenshots lose nothing visible and a third of the bytes."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="staff", help="a demo user (README: Demo users)")
    parser.add_argument("--path", default="/", help="the page, e.g. /inspections/hazards/")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-home.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--full-page", action="store_true", help="the whole page, not 800px")
    parser.add_argument("--base", help="a demo already served (e.g. by `make run`): use it")
    args = parser.parse_args()

    if args.base:
        shoot(args.base.rstrip("/"), args, os.environ.get("DEMO_PASSWORD", "safety2024"))
        shrink(args.out)
        print(f"{args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="sz-screenshot-") as var_dir:
        env = {**os.environ, "VAR_DIR": var_dir}
        for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV"):
            env.pop(name, None)  # the demo's own SQLite, tasks in-process
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [str(PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/accounts/login/")
            shoot(base, args, env.get("DEMO_PASSWORD", "safety2024"))
        finally:
            server.terminate()
            server.wait(timeout=10)
    shrink(args.out)
    print(f"{args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
