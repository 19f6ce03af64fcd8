"""The seams to Kazoo: the Crossbar REST client, the Blackhole websocket client, the simulator."""
