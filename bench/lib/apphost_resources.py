#!/usr/bin/env python3
"""Lists what an AppHost runs, as JSON: [{"resource", "instance", "pid", "port", "http2_port"}, ...].

Aspire shows its resources to the dashboard over gRPC only, so this reads /proc the way `ps` would:
every Maestro service carries the AppHost's pid in MAESTRO_PARENT_PID, its service in
OTEL_SERVICE_NAME, its replica in OTEL_RESOURCE_ATTRIBUTES, its address in ASPNETCORE_URLS (a worker's HTTP/2 port, the
gateway's, in Worker__Http2Port: "port" is the other one); the
redis-server is the one on the port the services were given in ConnectionStrings__redis.
Usage: apphost_resources.py APPHOST_PID
"""
import json
import os
import sys


def read(pid, name):
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return [p.decode("utf-8", "replace") for p in f.read().split(b"\0") if p]
    except OSError:
        return []


def main(apphost):
    found, redis_port = [], None
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    for pid in pids:
        cmd = read(pid, "cmdline")
        if not cmd or not os.path.basename(cmd[0]).startswith("Maestro."):
            continue
        env = dict(v.split("=", 1) for v in read(pid, "environ") if "=" in v)
        if env.get("MAESTRO_PARENT_PID") != str(apphost) or "ASPNETCORE_URLS" not in env:
            continue
        attributes = dict(a.split("=", 1) for a in env.get("OTEL_RESOURCE_ATTRIBUTES", "").split(",") if "=" in a)
        http2_port = int(env["Worker__Http2Port"]) if env.get("Worker__Http2Port", "").isdigit() else None
        ports = [int(u.rstrip("/").rsplit(":", 1)[1]) for u in env["ASPNETCORE_URLS"].split(";") if u.startswith("http://")]
        found.append({"resource": env.get("OTEL_SERVICE_NAME", "?"), "instance": attributes.get("service.instance.id", ""),
                      "pid": pid, "port": next(p for p in ports if p != http2_port), "http2_port": http2_port})
        if env.get("ConnectionStrings__redis"):
            redis_port = int(env["ConnectionStrings__redis"].split(",")[0].rsplit(":", 1)[1])
    if redis_port:
        for pid in pids:
            cmd = " ".join(read(pid, "cmdline"))
            if "redis-server" in cmd and f":{redis_port}" in cmd:
                found.append({"resource": "redis", "instance": "redis", "pid": pid, "port": redis_port})
    found.sort(key=lambda r: (r["resource"], r["instance"]))
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
