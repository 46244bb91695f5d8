"""Settings for the test suite: the demo mode, plain static files, tasks run at once."""

import os

os.environ.setdefault("DEMO", "1")
os.environ.setdefault("STATIC_MANIFEST", "0")  # tests run without collectstatic
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

from khuyenhoc.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
