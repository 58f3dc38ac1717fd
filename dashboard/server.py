"""How `carevisit serve` runs the dashboard: the production server (gunicorn), or Flask's own on loopback.

The production server forks its workers first and builds the app in each (the warehouse is opened
after the fork, read-only, a cursor per request: FACTS.md); threads serve requests within a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.accounts import User
from dashboard.auth import Security, is_loopback
from etl.settings import Settings


class ServeError(ValueError):
    """A way of serving that is refused; the message says why and what to do instead."""


@dataclass(frozen=True)
class Plan:
    settings: Settings
    host: str
    port: int
    prod: bool
    security: Security
    local_user: User | None
    behind_proxy: bool = False
    workers: int = 2
    threads: int = 8


def plan(settings: Settings, *, host: str, port: int, no_auth: bool = False, prod: bool = False,
         allowed_hosts: list[str] | tuple[str, ...] = (), behind_proxy: bool = False, plain_http: bool = False,
         workers: int = 2, threads: int = 8) -> Plan:
    """Check the options against each other and decide how to serve."""
    loopback = is_loopback(host)
    if no_auth and not loopback:
        raise ServeError(f"--no-auth (不登录) 只能在本机地址上使用 (如 127.0.0.1), 不能用于 {host}: "
                         "否则网络上任何人都能看到全部名单。请先用 carevisit user add 添加账号")
    if no_auth and prod:
        raise ServeError("--prod 与 --no-auth 不能同时使用: 正式服务必须登录")
    if not prod and not loopback:
        raise ServeError(f"在 {host} 上对外服务请加 --prod (正式服务器), 开发服务器只用于本机")
    if prod and not loopback and not allowed_hosts:
        raise ServeError("请用 --allowed-host 写明用户访问本服务时使用的域名或地址 (可写多个)")
    if behind_proxy and not loopback:
        raise ServeError(f"--behind-proxy 只能在本机地址上使用 (如 127.0.0.1), 由同一台机器上的反向代理 (nginx) "
                         f"转发, 不能用于 {host}: 否则能连到本端口的任何人都能冒充别的地址, 绕过登录次数限制, "
                         "篡改审计记录中的地址")
    if workers < 1 or threads < 1:
        raise ServeError("--workers 和 --threads 至少为 1")
    hosts = tuple(allowed_hosts) + (("localhost", "127.0.0.1", "::1") if loopback else ())
    security = Security(secure_cookies=prod and not plain_http, trusted_hosts=hosts if prod else ())
    local_user = User("本机", "admin", "all") if no_auth else None
    return Plan(settings, host, port, prod, security, local_user, behind_proxy, workers, threads)


def wsgi_app(plan: Plan):
    from dashboard.app import create_app

    server = create_app(plan.settings, plan.local_user, plan.security).server
    if plan.behind_proxy:  # one proxy in front: the client's address, scheme and host as it saw them
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return server


def run(plan: Plan) -> None:
    if not plan.prod:
        # single-user local mode on this computer (or a trial without --prod): Werkzeug's threaded server, without
        # Flask's start-up banner, whose red "development server" warning in English had alarmed a bureau user trying
        # the demo (review 23); the command line says where it serves, and `--prod` runs gunicorn
        from werkzeug.serving import make_server

        make_server(plan.host, plan.port, wsgi_app(plan), threaded=True).serve_forever()  # (Ctrl+C stops it)
        return
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        def load_config(self):
            host = f"[{plan.host}]" if ":" in plan.host else plan.host
            options = {
                "bind": f"{host}:{plan.port}", "workers": plan.workers, "worker_class": "gthread",
                "threads": plan.threads, "timeout": 120, "graceful_timeout": 30, "preload_app": False,
                # idle keep-alive connections wait in the poller, not a thread; gunicorn's 2 s closed them
                # as the next request arrived on a busy machine (a reset in the load test); browsers keep
                # them longer than that
                "keepalive": 75,
                "accesslog": "-", "errorlog": "-", "limit_request_line": 8190,
                # gunicorn's own format, then the worker that answered (<pid>): which process served what
                "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s',
                # the proxy in front is on this machine (--behind-proxy only on a loopback address)
                "forwarded_allow_ips": "127.0.0.1,::1",
                "proc_name": "carevisit",
                # no runtime control socket (gunicorn ≥ 25.1 opens one for gunicornc): systemd starts and stops the
                # service, and every server of the machine would share its default path under the user's home
                "control_socket_disable": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # in each worker, after the fork
            return wsgi_app(plan)

    Gunicorn().run()
