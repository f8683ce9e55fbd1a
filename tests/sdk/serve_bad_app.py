"""A misbehaving webhook app for tests/serve_http.rs. Usage: serve_bad_app.py; prints its port.

  /slow     answers valid PerCL after 3 s (longer than the test server's --webhook-timeout-ms)
  /garbage  answers 200 with text that is not PerCL
  /huge     answers 200 with a 10 MB body
  /error    answers 500
  /ok       answers a valid PerCL script (a long Pause: the call stays up)
"""

import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class App(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/slow":
            time.sleep(3)
            return self.answer(200, b'[{"Pause":{"length":60000}}]')
        if self.path == "/garbage":
            return self.answer(200, b"<html>this is not PerCL</html>")
        if self.path == "/huge":
            return self.answer(200, b"[" + b" " * (10 * 1024 * 1024) + b"]")
        if self.path == "/error":
            return self.answer(500, b"oops")
        return self.answer(200, b'[{"Pause":{"length":60000}}]')


server = ThreadingHTTPServer(("127.0.0.1", 0), App)
print(server.server_address[1], flush=True)
server.serve_forever()
