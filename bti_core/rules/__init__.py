"""Business rules in plain Python, free of the ORM so they can be tested densely."""

from . import age
from . import dates
