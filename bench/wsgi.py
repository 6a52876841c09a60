"""What the benchmark serves: the portal, plus a bare Flask "hello" app at /__hello/.

    gunicorn bench.wsgi:app

Both run in the same gunicorn workers, so the hello endpoint measures what the server, the
client and the machine cost by themselves, and each page can be given as a ratio to it.
"""
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import create_app

hello = Flask("hello")


@hello.get("/")
def hello_world():
    """The smallest Flask answer."""
    return "Hello, World!"


app = DispatcherMiddleware(create_app(), {"/__hello": hello})
