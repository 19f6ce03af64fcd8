"""`python manage.py kazoo_simulator`: the Kazoo stand-in in the foreground until SIGINT/SIGTERM."""

from django.conf import settings
from django.core.management.base import BaseCommand

from kazoo_zapier.kazoo.simulator import KazooSimulator
from kazoo_zapier.kazoo.simulator.blackhole import DEFAULT_MAX_QUEUED, KAZOO_MAX_QUEUED
from kazoo_zapier.kazoo.simulator.ratelimit import RateLimit


class Command(BaseCommand):
    help = "Run the Kazoo simulator: Crossbar (HTTP, /v2) and Blackhole (websocket) on one loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.KAZOO_SIMULATOR_HOST)
        parser.add_argument(
            "--http-port",
            type=int,
            default=settings.KAZOO_SIMULATOR_HTTP_PORT,
            help="Crossbar's port (0: any free port)",
        )
        parser.add_argument(
            "--ws-port",
            type=int,
            default=settings.KAZOO_SIMULATOR_WS_PORT,
            help="Blackhole's port (0: any free port)",
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=1.0,
            help="scales scenario delays: 2 plays twice as fast, 0 as fast as possible",
        )
        parser.add_argument(
            "--load",
            type=float,
            default=0.0,
            help="steady background traffic, in new calls per second (0: none)",
        )
        parser.add_argument("--seed", type=int, default=0, help="seed of the --load mix")
        parser.add_argument(
            "--token-ttl", type=float, default=3600, help="lifetime of issued tokens (seconds)"
        )
        parser.add_argument(
            "--rate-limit",
            type=RateLimit.parse,
            default=RateLimit(),
            help="Blackhole's per-socket token bucket: MAX/RATE[/SECONDS] or off "
            "(default Kazoo's 100/10: 100 messages, 10 more each second)",
        )
        parser.add_argument(
            "--max-queued",
            type=int,
            default=DEFAULT_MAX_QUEUED,
            help=f"drop what would go to a socket with more frames queued (4.3: {KAZOO_MAX_QUEUED})",
        )

    def handle(self, *args, **options) -> None:
        sim = KazooSimulator(
            host=options["host"],
            http_port=options["http_port"],
            ws_port=options["ws_port"],
            speed=options["speed"],
            token_ttl=options["token_ttl"],
            rate_limit=options["rate_limit"],
            max_queued=options["max_queued"],
        )

        def ready(sim: KazooSimulator) -> None:
            if options["load"] > 0:
                sim.start_load(options["load"], seed=options["seed"])
            # One parseable line: scripts and tests started on port 0 read the real ports here.
            self.stdout.write(f"Kazoo simulator: crossbar {sim.api_url} blackhole {sim.ws_url}")
            self.stdout.flush()

        sim.run_forever(on_ready=ready)
        self.stdout.write("Kazoo simulator stopped")
