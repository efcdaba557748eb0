"""System tests: the bot as real processes over HTTP (127.0.0.1 only)."""
