from tests.asgi_server import asgi_base, live_settings  # noqa: F401 (fixtures: a uvicorn process, live updates on)
