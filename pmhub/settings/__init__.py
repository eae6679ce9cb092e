"""PMHub settings, by topic: everything comes from the environment (see .env.example).

base.py holds Django's own settings, security and the API; accounts.py sign-in; background.py
Celery, jobs and webhooks.
"""

from .accounts import *  # noqa: F403
from .background import *  # noqa: F403
from .base import *  # noqa: F403
