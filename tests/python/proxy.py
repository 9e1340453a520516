"""A forward HTTP proxy in a few lines of the standard library, on loopback: it reads
each request in absolute form, sends it on in origin form to the host it names and
relays the answer. It records what it forwarded and from which address, so a test can
show the SDK's traffic went through it."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "proxy-connection", "proxy-authorization", "keep-alive", "host", "transfer-encoding"}


class ForwardProxy:
    def __init__(self) -> None:
        self.forwarded: list[str] = []
        self.peers: list[str] = []
        self.authorizations: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                target = urlsplit(self.path)
                proxy.forwarded.append(self.path)
                proxy.peers.append(self.client_address[0])
                proxy.authorizations.append(self.headers.get("Proxy-Authorization", ""))
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
                upstream.request("POST", target.path, body, headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
