"""The bare Flask baseline for bench/village_page.py: one route, no extensions, no database.

    gunicorn --pythonpath bench hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
