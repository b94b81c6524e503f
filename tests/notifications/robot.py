"""A local group robot for the tests: an HTTP server on 127.0.0.1 in a thread of the test
process that records every post it receives and answers as configured (fail the first
posts with 500, answer with a redirect, or hold the first posts unanswered)."""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOLD_SECONDS = 60


@dataclass
class Post:
    at: float  # time.time() on arrival: the test's clock when time_machine moves it
    path: str
    body: dict
    status: int | None = None  # what the robot answered; None: held, never answered


class LocalRobot:
    """``received``: every post, in order of arrival; ``answered``: those answered 200.

    ``fail_first``: answer the next N posts 500. ``redirect``: answer 302 to this
    location (except posts to /landing..., the redirect's target). ``hold_first``: leave
    the next N posts unanswered until ``release`` is set (``holding`` is set when one
    arrives)."""

    def __init__(self) -> None:
        self.received: list[Post] = []
        self.fail_first = 0
        self.redirect = ""
        self.hold_first = 0
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RobotHandler)
        self.server.robot = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str = "/robot/send") -> str:
        return f"{self.base_url}{path}"

    @property
    def answered(self) -> list[Post]:
        return [post for post in self.received if post.status == 200]

    def start(self) -> "LocalRobot":
        self.thread.start()
        return self

    def close(self) -> None:
        self.release.set()  # a held post lets go of its thread
        self.server.shutdown()
        self.server.server_close()

    def answer(self, post: Post) -> tuple[int, dict[str, str], bytes]:
        """What to answer a post (the status is recorded before the answer is sent)."""
        with self.lock:
            self.received.append(post)
            if self.hold_first > 0:
                self.hold_first -= 1
                self.holding.set()
                return 0, {}, b""
            if self.fail_first > 0:
                self.fail_first -= 1
                post.status = 500
                return 500, {}, b""
            if self.redirect and not post.path.startswith("/landing"):
                post.status = 302
                return 302, {"Location": self.redirect}, b""
            post.status = 200
            return 200, {"Content-Type": "application/json"}, b'{"errcode": 0, "errmsg": "ok"}'


class RobotHandler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        robot: LocalRobot = self.server.robot
        status, headers, content = robot.answer(Post(at=time.time(), path=self.path, body=body))
        if not status:  # held: no answer until released
            robot.release.wait(HOLD_SECONDS)
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass
