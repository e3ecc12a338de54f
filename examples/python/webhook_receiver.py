"""Webhook receiver (standard library http.server): verifies each delivery's ``Api-Secret``
header, answers 401 when it is wrong, drops redeliveries of the same ``EventId``, and prints
the events.

    python examples/python/webhook_receiver.py --port 8080 --secret SECRET   # serve
    python examples/python/webhook_receiver.py --demo                        # self-contained

The secret is the one returned when the webhook was registered
(``client.webhooks.create(url).secret``); it can also come from APPROVALSTUDIO_WEBHOOK_SECRET.
Answer 200 quickly: anything else makes the service retry for about 30 minutes.

``--demo`` starts the receiver on a free port, registers it with the service
(APPROVALSTUDIO_URL... when set, else the embedded emulator), triggers a ``webhook.test`` and
a ``project.created`` event, checks both arrive verified and that a forged delivery gets 401,
then removes the webhook.
"""

from __future__ import annotations

import argparse
import http.server
import os
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Optional

import approvalstudio
from approvalstudio import webhooks

from _sample import connect


def make_handler(
    get_secret: Callable[[], str], events: "Optional[queue.Queue[webhooks.WebhookEvent]]" = None
) -> Any:
    """A request handler class; `get_secret()` returns the webhook's secret."""
    dedup = webhooks.Deduplicator()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                event = webhooks.parse_event(body, self.headers, secret=get_secret())
            except approvalstudio.WebhookVerificationError as e:
                print(f"rejected delivery: {e}")
                self.send_response(401)
                self.end_headers()
                return
            except approvalstudio.DecodeError as e:
                print(f"unreadable delivery: {e}")
                self.send_response(400)
                self.end_headers()
                return
            self.send_response(200)
            self.end_headers()
            if not dedup.first_time(event.event_id):
                return  # a redelivery
            print(f"event {event.event_type} {event.event_id} project={event.project_uid}")
            if events is not None:
                events.put(event)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def demo() -> int:
    with connect() as client:
        events: "queue.Queue[webhooks.WebhookEvent]" = queue.Queue()
        holder = {"secret": ""}  # known once the URL is registered
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), make_handler(lambda: holder["secret"], events)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/approvalstudio"
        hook = client.webhooks.create(url)
        holder["secret"] = hook.secret or ""
        print(f"receiver at {url}, webhook {hook.webhook_uid} registered")
        try:
            client.webhooks.test(hook.webhook_uid)
            me = client.users.logged_in()
            client.projects.create("Webhook demo", [me.user_uid])
            want = {"webhook.test", "project.created"}
            got = set()
            deadline = time.monotonic() + 30
            while want - got and time.monotonic() < deadline:
                try:
                    got.add(str(events.get(timeout=0.5).event_type))
                except queue.Empty:
                    pass
            # A forged delivery is refused.
            req = urllib.request.Request(
                url, data=b'{"EventId":"x","EventType":"webhook.test"}', headers={"Api-Secret": "forged"}
            )
            try:
                urllib.request.urlopen(req, timeout=10)
                forged = 200
            except urllib.error.HTTPError as e:
                forged = e.code
        finally:
            client.webhooks.delete(hook.webhook_uid)
            server.shutdown()
            server.server_close()
        ok = not (want - got) and forged == 401
        print(f"verified events: {sorted(got)}; forged delivery answered {forged}: {'OK' if ok else 'FAILED'}")
        return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo", action="store_true")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--secret", default=os.environ.get("APPROVALSTUDIO_WEBHOOK_SECRET"))
    args = ap.parse_args()
    if args.demo:
        return demo()
    if not args.secret:
        ap.error("--secret (or APPROVALSTUDIO_WEBHOOK_SECRET) is required")
    server = http.server.ThreadingHTTPServer((args.host, args.port), make_handler(lambda: args.secret))
    print(f"listening on http://{args.host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
