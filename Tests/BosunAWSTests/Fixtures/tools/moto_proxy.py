#!/usr/bin/env python3
"""A tiny HTTP proxy in front of moto for the end-to-end tests: it forwards every request
unchanged, optionally answers the first N calls of one action with AWS's throttling error
(RequestLimitExceeded) and optionally delays every call. GET /proxy-stats answers JSON counts.

usage: moto_proxy.py --port P --upstream http://127.0.0.1:M [--throttle ACTION --times N] [--delay-ms D]
                     [--replay-terminated N] [--ssm-online]
--replay-terminated N answers the first N RunInstances as AWS answers a ClientToken whose
instance has since been terminated: with that terminated instance.
--ssm-online answers SSM DescribeInstanceInformation (which moto 5 lacks) as an SSM agent on
each instance asked for would: Online, pinged just now.
--fail-commands K plays Run Command as AWS does when a script fails on some instances (moto runs
nothing and answers Success at once): SendCommand answers Pending, ListCommands Failed, and
GetCommandInvocation Failed with a systemd error for the first K instances it is asked about.
"""
import argparse, json, threading, time, urllib.parse, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
lock = threading.Lock()
stats = {"calls": {}, "throttled": 0, "replayed": 0}
failed_instances = []

REPLAY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
          b'<reservationId>r-0dead</reservationId><instancesSet><item><instanceId>i-0dead0000000000%d</instanceId>'
          b'<imageId>ami-12c6146b</imageId><instanceState><code>48</code><name>terminated</name></instanceState>'
          b'<instanceType>t3.micro</instanceType><placement><availabilityZone>us-east-1a</availabilityZone></placement>'
          b'</item></instancesSet></RunInstancesResponse>')

THROTTLE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>'
            b'<Message>Request limit exceeded.</Message></Error></Errors><RequestID>proxy</RequestID></Response>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/proxy-stats":
            with lock:
                body = json.dumps(stats).encode()
            self.reply(200, body, "application/json")
        else:
            self.forward(b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.forward(body)

    def action(self, body):
        target = self.headers.get("X-Amz-Target")
        if target:
            return target.split(".")[-1]
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        return fields.get("Action", ["?"])[0]

    def forward(self, body):
        action = self.action(body) if self.command == "POST" else "GET"
        with lock:
            stats["calls"][action] = stats["calls"].get(action, 0) + 1
            throttle = args.throttle == action and stats["throttled"] < args.times
            if throttle:
                stats["throttled"] += 1
            replay = action == "RunInstances" and stats["replayed"] < args.replay_terminated
            if replay:
                stats["replayed"] += 1
        if args.delay_ms:
            time.sleep(args.delay_ms / 1000.0)
        if throttle:
            self.reply(400, THROTTLE, "text/xml")
            return
        if replay:
            self.reply(200, REPLAY % stats["replayed"], "text/xml")
            return
        if args.ssm_online and action == "DescribeInstanceInformation":
            request = json.loads(body or b"{}")
            ids = [v for f in request.get("Filters", []) if f.get("Key") == "InstanceIds" for v in f.get("Values", [])]
            now = time.time()
            answer = {"InstanceInformationList": [{"InstanceId": i, "PingStatus": "Online", "LastPingDateTime": now} for i in ids]}
            self.reply(200, json.dumps(answer).encode(), "application/x-amz-json-1.1")
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "connection")}
        request = urllib.request.Request(args.upstream + self.path, data=body if self.command == "POST" else None,
                                         headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = response.read()
                if args.fail_commands and response.status == 200:
                    answer = self.failing(action, body, answer)
                self.reply(response.status, answer, response.headers.get("Content-Type", "text/xml"))
        except urllib.error.HTTPError as error:
            self.reply(error.code, error.read(), error.headers.get("Content-Type", "text/xml"))

    def failing(self, action, request_body, answer):
        if action == "SendCommand":
            doc = json.loads(answer)
            doc["Command"]["Status"] = "Pending"
            return json.dumps(doc).encode()
        if action == "ListCommands":
            doc = json.loads(answer)
            for command in doc.get("Commands", []):
                command["Status"] = "Failed"
            return json.dumps(doc).encode()
        if action == "GetCommandInvocation":
            instance = json.loads(request_body or b"{}").get("InstanceId")
            with lock:
                if instance not in failed_instances and len(failed_instances) < args.fail_commands:
                    failed_instances.append(instance)
                failing = instance in failed_instances
            if failing:
                doc = json.loads(answer)
                doc.update({"Status": "Failed", "ResponseCode": 1,
                            "StandardErrorContent": "Failed to start kube-proxy.service: Unit kube-proxy.service not found."})
                return json.dumps(doc).encode()
        return answer

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--throttle")
    parser.add_argument("--times", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--replay-terminated", type=int, default=0)
    parser.add_argument("--ssm-online", action="store_true")
    parser.add_argument("--fail-commands", type=int, default=0)
    args = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
