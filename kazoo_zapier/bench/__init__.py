"""`make bench`: the whole pipeline's speed, latency and memory, against a bare forwarder.

Every piece runs in its own process, as in production: the Kazoo simulator in load mode, the
listener (`kazoo_listen`), the workers (`qcluster`), a local receiver standing in for Zapier, and
for comparison a bare forwarder (websocket read -> json parse -> POST, nothing stored).

    python -m kazoo_zapier.bench run [--rates 25,50,100,200,400] [--step-seconds 20]

writes data/bench/results.json and docs/benchmarks.md. The other subcommands (receiver,
forwarder, simulator, seed) are the processes `run` starts; see __main__.py.
"""
